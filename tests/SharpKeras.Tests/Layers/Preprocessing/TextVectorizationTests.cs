using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Layers.Preprocessing;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Layers.Preprocessing;

/// <summary>TextVectorization against Keras's documented outputs, and the lookup layers' vocabularies and idf weights through .keras files.</summary>
public sealed class TextVectorizationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-text-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AdaptAndCallMatchKerasDocstring()
    {
        var layer = new TextVectorization(maxTokens: 5000, outputMode: "int", outputSequenceLength: 4);
        layer.Adapt(["foo bar", "bar baz", "baz bada boom"]);
        Assert.Equal(["", "[UNK]", "baz", "bar", "foo", "boom", "bada"], layer.GetVocabulary());
        var y = layer.Apply([["foo qux bar"], ["qux baz"]]);
        Assert.Equal(DType.Int32, y.DType);
        Assert.Equal([2, 4], y.Shape.ToArray());
        Assert.Equal([4, 1, 3, 0, 1, 2, 0, 0], y.ToInt32Array());
        var given = new TextVectorization(maxTokens: 5000, outputMode: "int", outputSequenceLength: 4, vocabulary: ["earth", "wind", "and", "fire"]);
        Assert.Equal(["", "[UNK]", "earth", "wind", "and", "fire"], given.GetVocabulary());
    }

    [Fact]
    public void StandardizeStripsPythonPunctuationAndLowersAsciiOnly()
    {
        var layer = new TextVectorization(vocabulary: ["hello", "world", "émile", "Émile"]);
        // "Émile" keeps its capital: tf.strings.lower without an encoding lowers ASCII letters only.
        Assert.Equal([2, 3, 5, 4, 1], layer.Apply(["Hello, World! Émile émile ok?"]).ToInt32Array());
        Assert.Equal([2, 1], new TextVectorization(standardize: "lower", vocabulary: ["a.b", "c"]).Apply(["A.B C!"]).ToInt32Array());
        Assert.Equal([1, 3], new TextVectorization(standardize: "strip_punctuation", vocabulary: ["ab", "C"]).Apply(["A.B C!"]).ToInt32Array());
        Assert.Equal([2, 1, 2], new TextVectorization(standardize: null, split: "character", vocabulary: ["a", "b"]).Apply(["aBa"]).ToInt32Array());
        var chars = new TextVectorization(split: "character");
        chars.Adapt(["abca"]);
        Assert.Equal(["", "[UNK]", "a", "c", "b"], chars.GetVocabulary());
    }

    [Fact]
    public void NgramsAndVectorModes()
    {
        var bigrams = new TextVectorization(ngrams: 2);
        bigrams.Adapt(["a b c"]);
        Assert.Equal(["", "[UNK]", "c", "b c", "b", "a b", "a"], bigrams.GetVocabulary());
        var widths = new TextVectorization(ngramWidths: [2], vocabulary: ["a b", "b c"]);
        Assert.Equal([2, 3, 1], widths.Apply(["a b c d"]).ToInt32Array());
        var multi = new TextVectorization(outputMode: "multi_hot", vocabulary: ["x", "y"]);
        var m = multi.Apply(["x x z", "y"]);
        Assert.Equal([2, 3], m.Shape.ToArray());
        Assert.Equal([1, 1, 0, 0, 0, 1], m.ToArray());
        var count = new TextVectorization(outputMode: "count", vocabulary: ["x", "y"]);
        Assert.Equal([1, 2, 0, 0, 0, 1], count.Apply(["x x z", "y"]).ToArray());
        var tfidf = new TextVectorization(outputMode: "tf_idf");
        tfidf.Adapt(["x x y", "y z"]);
        Assert.Equal(["[UNK]", "y", "x", "z"], tfidf.GetVocabulary());
        float idfX = (float)Math.Log(1 + 2.0 / 2), idfY = (float)Math.Log(1 + 2.0 / 3);
        var t = tfidf.Apply(["x x y q"]).ToArray();
        Assert.Equal(2 * idfX, t[2], 5);
        Assert.Equal(idfY, t[1], 5);
        var padded = new TextVectorization(maxTokens: 6, outputMode: "count", padToMaxTokens: true, vocabulary: ["x"]);
        Assert.Equal([1, 6], padded.Apply(["x"]).Shape.ToArray());
    }

    [Fact]
    public void ConfigRoundTripsWithKerasKeys()
    {
        var adapted = new TextVectorization(maxTokens: 10, ngrams: 2, outputSequenceLength: 3, name: "tv");
        adapted.Adapt(["a b", "b c"]);
        foreach (var layer in new Layer[] { adapted, new TextVectorization(standardize: null, split: null, outputMode: "multi_hot", vocabulary: ["a"]),
            new TextVectorization(ngramWidths: [1, 3], outputMode: "tf_idf", vocabulary: ["a", "b"], idfWeights: [0.5f, 1.5f]) })
        {
            var json = KerasSerializer.Serialize(layer).ToJsonString();
            var again = KerasSerializer.Layer(JsonNode.Parse(json));
            Assert.IsType<TextVectorization>(again);
            Assert.Equal(json, KerasSerializer.Serialize(again).ToJsonString());
        }
        var c = KerasSerializer.Serialize(adapted)["config"]!.AsObject();
        foreach (var key in new[] { "max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length", "pad_to_max_tokens", "sparse", "ragged", "vocabulary", "idf_weights", "encoding", "vocabulary_size" })
        {
            Assert.True(c.ContainsKey(key), key);
        }
        Assert.Equal("lower_and_strip_punctuation", c["standardize"]!.GetValue<string>());
        Assert.Equal(7, c["vocabulary_size"]!.GetValue<int>());
        Assert.Null(c["vocabulary"]);
    }

    [Fact]
    public void BadArgumentsAndInputsNameTheLayerAndArgument()
    {
        Assert.Contains("standardize", Assert.Throws<ArgumentException>(() => new TextVectorization(standardize: "upper")).Message);
        Assert.Contains("split", Assert.Throws<ArgumentException>(() => new TextVectorization(split: "comma")).Message);
        Assert.Contains("output_sequence_length", Assert.Throws<ArgumentException>(() => new TextVectorization(outputMode: "count", outputSequenceLength: 3)).Message);
        Assert.Contains("ngram", Assert.Throws<ArgumentException>(() => new TextVectorization(ngrams: 2, ngramWidths: [1])).Message);
        var shape = Assert.Throws<ArgumentException>(() => new TextVectorization(vocabulary: ["a"], name: "tv2").Apply([["a", "b"]]));
        Assert.Contains("TextVectorization layer 'tv2'", shape.Message);
        Assert.Contains("(1, 2)", shape.Message);
        Assert.Contains("Apply(string[])", Assert.Throws<NotSupportedException>(() => new TextVectorization(vocabulary: ["a"]).Apply(Tensor.FromArray(new[] { 1f }, 1))).Message);
    }

    private static Model Holder(Layer layer, int width) => new Sequential([Keras.Input([width]), layer]);

    private static Dictionary<string, string> Assets(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Where(e => e.FullName.StartsWith("assets/", StringComparison.Ordinal))
            .ToDictionary(e => e.FullName, e => new StreamReader(e.Open(), Encoding.UTF8).ReadToEnd());
    }

    [Fact]
    public void AdaptedVocabulariesAndIdfWeightsSurviveKerasFiles()
    {
        var text = new TextVectorization(outputMode: "tf_idf");
        text.Adapt(["the cat sat", "the dog", "a cat"]);
        var path = Path.Combine(_dir, "text.keras");
        var holder = Holder(text, 1);
        holder.Save(path);
        var assets = Assets(path);
        // Keras's layout: the layer's own folder and its _lookup_layer's, each with vocabulary.txt joined by "\n".
        Assert.Equal(string.Join("\n", text.GetVocabulary()), assets["assets/layers/text_vectorization/vocabulary.txt"]);
        Assert.True(assets.ContainsKey("assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"));
        var legacy = Assert.Throws<NotSupportedException>(() => holder.Save(Path.Combine(_dir, "text.h5")));
        Assert.Contains("assets/layers/text_vectorization/vocabulary.txt", legacy.Message);
        var back = Model.Load(path).Layers.OfType<TextVectorization>().Single();
        Assert.Equal(text.GetVocabulary(), back.GetVocabulary());
        Assert.Equal(text.IdfWeights, back.IdfWeights);
        Assert.Equal(text.Apply(["the cat ran", "dog dog"]).ToArray(), back.Apply(["the cat ran", "dog dog"]).ToArray());

        var ints = new IntegerLookup(maskToken: 0);
        ints.Adapt(Tensor.FromArray(new[] { 5, 5, 9, 0, 7 }, 5));
        var path2 = Path.Combine(_dir, "ints.keras");
        Holder(ints, 2).Save(path2);
        Assert.Equal("0\n-1\n5\n9\n7", Assets(path2)["assets/layers/integer_lookup/vocabulary.txt"]);
        var ints2 = Model.Load(path2).Layers.OfType<IntegerLookup>().Single();
        Assert.Equal(ints.GetVocabulary(), ints2.GetVocabulary());

        var strings = new StringLookup(vocabulary: ["p", "q"]);
        var path3 = Path.Combine(_dir, "strings.keras");
        Holder(strings, 1).Save(path3);
        // A vocabulary given to the constructor lives in the config, so Keras writes no asset for it.
        Assert.Empty(Assets(path3));
        Assert.Equal(["[UNK]", "p", "q"], Model.Load(path3).Layers.OfType<StringLookup>().Single().GetVocabulary());
    }

    [Fact]
    public void AMissingOrBadVocabularyAssetIsReportedWithTheFile()
    {
        var lookup = new StringLookup();
        lookup.Adapt(["a", "b", "b"]);
        var path = Path.Combine(_dir, "s.keras");
        Holder(lookup, 1).Save(path);
        var broken = Path.Combine(_dir, "broken.keras");
        File.Copy(path, broken);
        using (var zip = ZipFile.Open(broken, ZipArchiveMode.Update))
        {
            zip.GetEntry("assets/layers/string_lookup/vocabulary.txt")!.Delete();
        }
        var e = Assert.ThrowsAny<Exception>(() => Model.Load(broken));
        Assert.Contains("broken.keras", e.Message);
        Assert.Contains("vocabulary", e.Message);
        var repeated = Path.Combine(_dir, "dup.keras");
        File.Copy(path, repeated);
        using (var zip = ZipFile.Open(repeated, ZipArchiveMode.Update))
        {
            zip.GetEntry("assets/layers/string_lookup/vocabulary.txt")!.Delete();
            using var w = new StreamWriter(zip.CreateEntry("assets/layers/string_lookup/vocabulary.txt").Open());
            w.Write("[UNK]\nb\nb");
        }
        var r = Assert.ThrowsAny<Exception>(() => Model.Load(repeated));
        Assert.Contains("dup.keras", r.Message);
        Assert.Contains("repeated term", r.Message);
        Assert.Contains("vocabulary.txt", r.Message);
    }
}
