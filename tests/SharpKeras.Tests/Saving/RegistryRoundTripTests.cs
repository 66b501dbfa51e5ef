using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Every public Layer, Initializer, Optimizer, Loss and Metric class of the library, found by
/// reflection, is registered with KerasSerializer and round-trips through a .keras file (config and
/// weights). A new public class without a sample here fails <see cref="EveryPublicClassHasASample"/>,
/// so none can be added without its config.
/// </summary>
public sealed class RegistryRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Type[] s_bases = [typeof(Layer), typeof(Initializer), typeof(Optimizer), typeof(Loss), typeof(Metric)];

    private static IEnumerable<Type> PublicClasses() => typeof(Layer).Assembly.GetExportedTypes()
        .Where(t => t.IsClass && !t.IsAbstract && s_bases.Any(b => b.IsAssignableFrom(t)));

    // A model around one layer of each class, and an input for it.
    private static Dictionary<Type, Func<(Model Model, Tensor[] X)>> LayerSamples() => new()
    {
        [typeof(InputLayer)] = () => One(new Dense(3), [4]),
        [typeof(Model)] = () => One(new Dense(2, activation: "relu"), [3]),
        [typeof(Sequential)] = () => Seq([5], new Dense(4, activation: "tanh"), new Dense(2)),
        [typeof(Dense)] = () => One(new Dense(3, activation: "tanh", kernelInitializer: new HeNormal(1)), [4]),
        [typeof(Flatten)] = () => One(new Flatten(), [2, 3]),
        [typeof(Dropout)] = () => One(new Dropout(0.3, seed: 2), [4]),
        [typeof(Activation)] = () => One(new Activation("sigmoid"), [4]),
        [typeof(Masking)] = () => Seq([5, 3], new Masking(0.5), new LSTM(2)),
        [typeof(Embedding)] = () => Ids(new Embedding(10, 3, maskZero: true), new GRU(2)),
        [typeof(LayerNormalization)] = () => One(new LayerNormalization(epsilon: 1e-5), [4]),
        [typeof(BatchNormalization)] = () => One(new BatchNormalization(momentum: 0.9), [4]),
        [typeof(Add)] = () => Two(new Add(), [4]),
        [typeof(Subtract)] = () => Two(new Subtract(), [4]),
        [typeof(SharpKeras.Layers.Multiply)] = () => Two(new SharpKeras.Layers.Multiply(), [4]),
        [typeof(Average)] = () => Two(new Average(), [4]),
        [typeof(SharpKeras.Layers.Maximum)] = () => Two(new SharpKeras.Layers.Maximum(), [4]),
        [typeof(SharpKeras.Layers.Minimum)] = () => Two(new SharpKeras.Layers.Minimum(), [4]),
        [typeof(Concatenate)] = () => Two(new Concatenate(), [4]),
        [typeof(Dot)] = () => Two(new Dot(1, normalize: true), [4]),
        [typeof(Conv1D)] = () => One(new Conv1D(2, 3, padding: "causal"), [6, 2]),
        [typeof(Conv2D)] = () => One(new Conv2D(2, 3, strides: 2, padding: "same", activation: "relu"), [5, 5, 2]),
        [typeof(DepthwiseConv2D)] = () => One(new DepthwiseConv2D((3, 2), depthMultiplier: 2, padding: "same", activation: "relu"), [5, 5, 2]),
        [typeof(SeparableConv2D)] = () => One(new SeparableConv2D(3, 3, strides: 2, depthMultiplier: 2, activation: "tanh"), [6, 6, 2]),
        [typeof(Conv2DTranspose)] = () => One(new Conv2DTranspose(3, (3, 2), strides: 2, padding: "same"), [3, 3, 2]),
        [typeof(MaxPooling1D)] = () => One(new MaxPooling1D(3, 1), [6, 2]),
        [typeof(AveragePooling1D)] = () => One(new AveragePooling1D(), [6, 2]),
        [typeof(MaxPooling2D)] = () => One(new MaxPooling2D(3, (2, 1), padding: "same"), [5, 5, 2]),
        [typeof(AveragePooling2D)] = () => One(new AveragePooling2D(), [4, 4, 2]),
        [typeof(GlobalMaxPooling1D)] = () => One(new GlobalMaxPooling1D(), [6, 2]),
        [typeof(GlobalAveragePooling1D)] = () => One(new GlobalAveragePooling1D(keepDims: true), [6, 2]),
        [typeof(GlobalMaxPooling2D)] = () => One(new GlobalMaxPooling2D(keepDims: true), [4, 4, 2]),
        [typeof(GlobalAveragePooling2D)] = () => One(new GlobalAveragePooling2D(), [4, 4, 2]),
        [typeof(AdaptiveAveragePooling1D)] = () => One(new AdaptiveAveragePooling1D(4), [7, 2]),
        [typeof(AdaptiveMaxPooling1D)] = () => One(new AdaptiveMaxPooling1D(3, "channels_first"), [2, 7]),
        [typeof(AdaptiveAveragePooling2D)] = () => One(new AdaptiveAveragePooling2D((2, 3), "channels_first"), [2, 5, 5]),
        [typeof(AdaptiveMaxPooling2D)] = () => One(new AdaptiveMaxPooling2D(3), [5, 4, 2]),
        [typeof(ConvLSTM2D)] = () => One(new ConvLSTM2D(2, (3, 2), padding: "same", returnSequences: true, goBackwards: true), [3, 4, 5, 2]),
        [typeof(RNN)] = () => One(new RNN(new SimpleRNNCell(3, activation: "relu"), returnSequences: true), [5, 2]),
        [typeof(LSTMCell)] = () => One(new RNN(new LSTMCell(3, unitForgetBias: false)), [5, 2]),
        [typeof(GRUCell)] = () => One(new RNN(new GRUCell(3, resetAfter: false), goBackwards: true), [5, 2]),
        [typeof(SimpleRNNCell)] = () => One(new RNN(new SimpleRNNCell(2), returnSequences: true), [5, 2]),
        [typeof(LSTM)] = () => One(new LSTM(3, returnSequences: true, dropout: 0.2, seed: 4), [5, 2]),
        [typeof(GRU)] = () => One(new GRU(3, goBackwards: true), [5, 2]),
        [typeof(SimpleRNN)] = () => One(new SimpleRNN(3, activation: "relu"), [5, 2]),
        [typeof(Bidirectional)] = () => One(new Bidirectional(new LSTM(3, returnSequences: true), mergeMode: "ave"), [5, 2]),
        [typeof(TimeDistributed)] = () => One(new TimeDistributed(new Dense(2)), [4, 3]),
        [typeof(ZeroPadding2D)] = () => One(new ZeroPadding2D((2, 0), (1, 1)), [3, 3, 2]),
        [typeof(UpSampling2D)] = () => One(new UpSampling2D((2, 1)), [3, 3, 2]),
        [typeof(Reshape)] = () => One(new Reshape([3, -1]), [2, 3]),
        [typeof(Permute)] = () => One(new Permute([2, 1]), [2, 3]),
        [typeof(RepeatVector)] = () => One(new RepeatVector(2), [3]),
        [typeof(SpatialDropout2D)] = () => One(new SpatialDropout2D(0.4), [4, 4, 2]),
        [typeof(ReLU)] = () => One(new ReLU(maxValue: 0.6, negativeSlope: 0.1, threshold: 0.2), [4]),
        [typeof(LeakyReLU)] = () => One(new LeakyReLU(0.25), [4]),
        [typeof(PReLU)] = () => One(new PReLU(new RandomNormal(0.2, 0.1, 9), sharedAxes: [1]), [3, 2]),
        [typeof(ELU)] = () => One(new ELU(0.7), [4]),
        [typeof(SharpKeras.Layers.Softmax)] = () => One(new SharpKeras.Layers.Softmax(axis: 1), [3, 2]),
        [typeof(EinsumDense)] = () => One(new EinsumDense("abc,cd->abd", [-1, 3], activation: "relu", biasAxes: "d", biasInitializer: new RandomNormal(0, 0.1, 4)), [2, 4]),
        [typeof(MultiHeadAttention)] = () =>
        {
            var input = Keras.Input([3, 4]);
            var output = new MultiHeadAttention(2, 2, valueDim: 3, biasInitializer: new RandomNormal(0, 0.1, 3)).Apply(input, input);
            return (new Model(input, output), [GradCheck.Random(5, -1, 1, 3, 3, 4)]);
        },
        [typeof(NotEqual)] = () => One(new NotEqual(0.5), [4]),
        [typeof(LogicalOr)] = () => Two(new LogicalOr(), [4]),
        [typeof(Conv1DTranspose)] = () => One(new Conv1DTranspose(3, 4, strides: 2, padding: "same"), [5, 2]),
        [typeof(Cropping1D)] = () => One(new Cropping1D((1, 2)), [6, 2]),
        [typeof(Cropping2D)] = () => One(new Cropping2D((1, 0), (2, 1)), [4, 5, 2]),
        [typeof(Cropping3D)] = () => One(new Cropping3D(), [3, 3, 3, 2]),
        [typeof(ZeroPadding1D)] = () => One(new ZeroPadding1D((2, 1)), [4, 2]),
        [typeof(ZeroPadding3D)] = () => One(new ZeroPadding3D(), [2, 2, 2, 2]),
        [typeof(UpSampling1D)] = () => One(new UpSampling1D(), [3, 2]),
        [typeof(UpSampling3D)] = () => One(new UpSampling3D(), [2, 2, 2, 2]),
        [typeof(GroupNormalization)] = () => One(new GroupNormalization(2), [5, 4]),
        [typeof(UnitNormalization)] = () => One(new UnitNormalization(), [4]),
        [typeof(RMSNormalization)] = () => One(new RMSNormalization(), [4]),
        [typeof(SpatialDropout1D)] = () => One(new SpatialDropout1D(0.4), [5, 2]),
        [typeof(SpatialDropout3D)] = () => One(new SpatialDropout3D(0.4), [2, 2, 2, 2]),
        [typeof(GaussianNoise)] = () => One(new GaussianNoise(0.3), [4]),
        [typeof(GaussianDropout)] = () => One(new GaussianDropout(0.3), [4]),
        [typeof(AlphaDropout)] = () => One(new AlphaDropout(0.3), [4]),
        [typeof(ActivityRegularization)] = () => One(new ActivityRegularization(0.1, 0.2), [4]),
        [typeof(SharpKeras.Layers.Identity)] = () => One(new SharpKeras.Layers.Identity(), [4]),
        [typeof(GlobalMaxPooling3D)] = () => One(new GlobalMaxPooling3D(), [2, 2, 2, 3]),
        [typeof(GlobalAveragePooling3D)] = () => One(new GlobalAveragePooling3D(keepDims: true), [2, 2, 2, 3]),
        [typeof(DepthwiseConv1D)] = () => One(new DepthwiseConv1D(3, depthMultiplier: 2, padding: "same"), [5, 2]),
        [typeof(SeparableConv1D)] = () => One(new SeparableConv1D(3, 3, strides: 2, depthMultiplier: 2, activation: "relu"), [6, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.Normalization)] = () => One(AdaptedNormalization(), [4]),
        [typeof(SharpKeras.Layers.Preprocessing.Rescaling)] = () => One(new SharpKeras.Layers.Preprocessing.Rescaling(0.5, 0.1), [4]),
        [typeof(SharpKeras.Layers.Preprocessing.Resizing)] = () => One(new SharpKeras.Layers.Preprocessing.Resizing(5, 3, antialias: true), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.CenterCrop)] = () => One(new SharpKeras.Layers.Preprocessing.CenterCrop(2, 3), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.CategoryEncoding)] = () => Ids(new SharpKeras.Layers.Preprocessing.CategoryEncoding(10, "count")),
        [typeof(SharpKeras.Layers.Preprocessing.Discretization)] = () => One(AdaptedDiscretization(), [4]),
        [typeof(SharpKeras.Layers.Preprocessing.Hashing)] = () => Ids(new SharpKeras.Layers.Preprocessing.Hashing(7, salt: [3, 5], outputMode: "count")),
        [typeof(SharpKeras.Layers.Preprocessing.IntegerLookup)] = () => Ids(AdaptedIntegerLookup()),
        [typeof(SharpKeras.Layers.Preprocessing.RandomFlip)] = () => One(new SharpKeras.Layers.Preprocessing.RandomFlip(seed: 1), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.RandomBrightness)] = () => One(new SharpKeras.Layers.Preprocessing.RandomBrightness(0.2, seed: 2), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.RandomContrast)] = () => One(new SharpKeras.Layers.Preprocessing.RandomContrast(0.3, seed: 3), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.RandomRotation)] = () => One(new SharpKeras.Layers.Preprocessing.RandomRotation(0.1, seed: 4), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.RandomZoom)] = () => One(new SharpKeras.Layers.Preprocessing.RandomZoom(0.2, 0.1, seed: 5), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.RandomTranslation)] = () => One(new SharpKeras.Layers.Preprocessing.RandomTranslation(0.1, 0.2, seed: 6), [4, 4, 2]),
        [typeof(SharpKeras.Layers.Preprocessing.RandomCrop)] = () => One(new SharpKeras.Layers.Preprocessing.RandomCrop(4, 4, seed: 7), [4, 4, 2]),
        [typeof(Lambda)] = () => { Lambda.Register("Registry>cube", x => Ops.Multiply(x, Ops.Multiply(x, x))); return One(new Lambda("Registry>cube"), [4]); },
        [typeof(SpectralNormalization)] = () => One(new SpectralNormalization(new Dense(3), powerIterations: 2), [4]),
        [typeof(SharpKeras.Layers.Attention)] = () => Two(new SharpKeras.Layers.Attention(useScale: true, scoreMode: "concat"), [3, 4]),
        [typeof(AdditiveAttention)] = () => Two(new AdditiveAttention(dropout: 0.2, seed: 1), [3, 4]),
        [typeof(GroupQueryAttention)] = () =>
        {
            var input = Keras.Input([3, 4]);
            var output = new GroupQueryAttention(2, 4, 2, biasInitializer: new RandomNormal(0, 0.1, 3)).Apply(input, input);
            return (new Model(input, output), [GradCheck.Random(5, -1, 1, 3, 3, 4)]);
        },
        [typeof(Conv3D)] = () => One(new Conv3D(4, (1, 3, 2), strides: (1, 2, 1), padding: "same", groups: 2), [3, 4, 4, 2]),
        [typeof(Conv3DTranspose)] = () => One(new Conv3DTranspose(3, 2, strides: 2, padding: "same", outputPadding: (1, 0, 1)), [2, 3, 2, 2]),
        [typeof(MaxPooling3D)] = () => One(new MaxPooling3D((2, 3, 1), padding: "same"), [3, 4, 2, 2]),
        [typeof(AveragePooling3D)] = () => One(new AveragePooling3D(), [4, 4, 2, 2]),
    };

    private static readonly Dictionary<Type, Func<Initializer>> s_initializers = new()
    {
        [typeof(Zeros)] = () => new Zeros(),
        [typeof(Ones)] = () => new Ones(),
        [typeof(Orthogonal)] = () => new Orthogonal(0.5, seed: 3),
        [typeof(GlorotUniform)] = () => new GlorotUniform(1),
        [typeof(GlorotNormal)] = () => new GlorotNormal(2),
        [typeof(HeNormal)] = () => new HeNormal(3),
        [typeof(HeUniform)] = () => new HeUniform(4),
        [typeof(RandomNormal)] = () => new RandomNormal(0.5, 0.2, 5),
        [typeof(RandomUniform)] = () => new RandomUniform(-0.3, 0.1, 6),
        [typeof(VarianceScaling)] = () => new VarianceScaling(2.0, FanMode.FanOut, VarianceDistribution.Uniform, 7),
        [typeof(Constant)] = () => new Constant(0.3),
        [typeof(SharpKeras.Initializers.Identity)] = () => new SharpKeras.Initializers.Identity(1.5),
        [typeof(TruncatedNormal)] = () => new TruncatedNormal(0.1, 0.2, 8),
        [typeof(LecunNormal)] = () => new LecunNormal(9),
        [typeof(LecunUniform)] = () => new LecunUniform(10),
    };

    private static readonly Dictionary<Type, Func<Optimizer>> s_optimizers = new()
    {
        [typeof(SGD)] = () => new SGD(0.05, momentum: 0.9, nesterov: true),
        [typeof(RMSprop)] = () => new RMSprop(0.002, rho: 0.8, momentum: 0.5, centered: true),
        [typeof(Adam)] = () => new Adam(0.003, beta1: 0.8, beta2: 0.99, amsgrad: true),
        [typeof(Adadelta)] = () => new Adadelta(1.0, rho: 0.9, epsilon: 1e-6),
        [typeof(AdamW)] = () => new AdamW(0.002, weightDecay: 0.01, clipnorm: 1.0),
        [typeof(Adagrad)] = () => new Adagrad(0.05, initialAccumulatorValue: 0.2, useEma: true),
        [typeof(Adamax)] = () => new Adamax(0.01, beta1: 0.8, clipvalue: 0.5),
        [typeof(Nadam)] = () => new Nadam(0.01, beta2: 0.99, weightDecay: 0.01),
        [typeof(Lion)] = () => new Lion(0.0003, beta1: 0.95, globalClipnorm: 1.0),
        [typeof(Ftrl)] = () => new Ftrl(0.1, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.02, lossScaleFactor: 64),
    };

    private static readonly Dictionary<Type, Func<Loss>> s_losses = new()
    {
        [typeof(SharpKeras.Losses.SparseCategoricalCrossentropy)] = () => new SharpKeras.Losses.SparseCategoricalCrossentropy(fromLogits: true),
        [typeof(SharpKeras.Losses.CategoricalCrossentropy)] = () => new SharpKeras.Losses.CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1),
        [typeof(SharpKeras.Losses.BinaryCrossentropy)] = () => new SharpKeras.Losses.BinaryCrossentropy(fromLogits: true),
        [typeof(SharpKeras.Losses.MeanSquaredError)] = () => new SharpKeras.Losses.MeanSquaredError(),
        [typeof(SharpKeras.Losses.MeanAbsoluteError)] = () => new SharpKeras.Losses.MeanAbsoluteError("sum", "mae_sum"),
        [typeof(SharpKeras.Losses.MeanAbsolutePercentageError)] = () => new SharpKeras.Losses.MeanAbsolutePercentageError("mean"),
        [typeof(SharpKeras.Losses.MeanSquaredLogarithmicError)] = () => new SharpKeras.Losses.MeanSquaredLogarithmicError("mean_with_sample_weight"),
        [typeof(Huber)] = () => new Huber(0.5),
        [typeof(LogCosh)] = () => new LogCosh(),
        [typeof(SharpKeras.Losses.KLDivergence)] = () => new SharpKeras.Losses.KLDivergence(),
        [typeof(SharpKeras.Losses.Poisson)] = () => new SharpKeras.Losses.Poisson(),
        [typeof(SharpKeras.Losses.Hinge)] = () => new SharpKeras.Losses.Hinge(),
        [typeof(SharpKeras.Losses.SquaredHinge)] = () => new SharpKeras.Losses.SquaredHinge(),
        [typeof(SharpKeras.Losses.CategoricalHinge)] = () => new SharpKeras.Losses.CategoricalHinge(),
        [typeof(SharpKeras.Losses.CosineSimilarity)] = () => new SharpKeras.Losses.CosineSimilarity(axis: 1),
        [typeof(BinaryFocalCrossentropy)] = () => new BinaryFocalCrossentropy(true, 0.4, 1.5, true, 0.1),
        [typeof(CategoricalFocalCrossentropy)] = () => new CategoricalFocalCrossentropy(0.5, 3, false, 0.1),
        [typeof(CategoricalGeneralizedCrossEntropy)] = () => new CategoricalGeneralizedCrossEntropy(0.7),
        [typeof(Dice)] = () => new Dice(axis: [1]),
        [typeof(Tversky)] = () => new Tversky(0.3, 0.7, axis: [1, 2]),
    };

    private static readonly Dictionary<Type, Func<Metric>> s_metrics = new()
    {
        [typeof(Mean)] = () => new Mean("average_prediction"),
        [typeof(SparseCategoricalAccuracy)] = () => new SparseCategoricalAccuracy("sacc"),
        [typeof(CategoricalAccuracy)] = () => new CategoricalAccuracy("cacc"),
        [typeof(BinaryAccuracy)] = () => new BinaryAccuracy("bacc", threshold: 0.3),
        [typeof(TopKCategoricalAccuracy)] = () => new TopKCategoricalAccuracy(3, "top3"),
        [typeof(SparseTopKCategoricalAccuracy)] = () => new SparseTopKCategoricalAccuracy(2),
        [typeof(SharpKeras.Metrics.MeanAbsoluteError)] = () => new SharpKeras.Metrics.MeanAbsoluteError("m_mae"),
        [typeof(SharpKeras.Metrics.MeanSquaredError)] = () => new SharpKeras.Metrics.MeanSquaredError(),
        [typeof(RootMeanSquaredError)] = () => new RootMeanSquaredError(),
        [typeof(SharpKeras.Metrics.MeanAbsolutePercentageError)] = () => new SharpKeras.Metrics.MeanAbsolutePercentageError(),
        [typeof(SharpKeras.Metrics.MeanSquaredLogarithmicError)] = () => new SharpKeras.Metrics.MeanSquaredLogarithmicError(),
        [typeof(SharpKeras.Metrics.CosineSimilarity)] = () => new SharpKeras.Metrics.CosineSimilarity("cos"),
        [typeof(LogCoshError)] = () => new LogCoshError(),
        [typeof(SharpKeras.Metrics.Hinge)] = () => new SharpKeras.Metrics.Hinge(),
        [typeof(SharpKeras.Metrics.SquaredHinge)] = () => new SharpKeras.Metrics.SquaredHinge(),
        [typeof(SharpKeras.Metrics.CategoricalHinge)] = () => new SharpKeras.Metrics.CategoricalHinge(),
        [typeof(SharpKeras.Metrics.KLDivergence)] = () => new SharpKeras.Metrics.KLDivergence(),
        [typeof(SharpKeras.Metrics.Poisson)] = () => new SharpKeras.Metrics.Poisson(),
        [typeof(Precision)] = () => new Precision([0.3, 0.6], classId: 1, name: "p2"),
        [typeof(Recall)] = () => new Recall(0.4),
        [typeof(AUC)] = () => new AUC(50, "PR", "majoring", "auc_pr", fromLogits: true),
        [typeof(TruePositives)] = () => new TruePositives([0.2]),
        [typeof(FalsePositives)] = () => new FalsePositives(),
        [typeof(TrueNegatives)] = () => new TrueNegatives([0.1, 0.9]),
        [typeof(FalseNegatives)] = () => new FalseNegatives(),
        [typeof(FBetaScore)] = () => new FBetaScore("weighted", 2.0, 0.4),
        [typeof(F1Score)] = () => new F1Score("macro"),
        [typeof(R2Score)] = () => new R2Score("variance_weighted_average", 2),
        [typeof(Sum)] = () => new Sum("total"),
        [typeof(IoU)] = () => new IoU(3, [0, 2], ignoreClass: 1),
        [typeof(MeanIoU)] = () => new MeanIoU(4, sparseYPred: false),
        [typeof(BinaryIoU)] = () => new BinaryIoU([1], 0.3),
        [typeof(OneHotIoU)] = () => new OneHotIoU(3, [1, 2]),
        [typeof(OneHotMeanIoU)] = () => new OneHotMeanIoU(3, "ohm"),
        [typeof(SensitivityAtSpecificity)] = () => new SensitivityAtSpecificity(0.4, 50),
        [typeof(SpecificityAtSensitivity)] = () => new SpecificityAtSensitivity(0.6, 1, classId: 0),
        [typeof(PrecisionAtRecall)] = () => new PrecisionAtRecall(0.7),
        [typeof(RecallAtPrecision)] = () => new RecallAtPrecision(0.8, 100, name: "rap"),
        [typeof(MeanMetricWrapper)] = () => new MeanMetricWrapper(new Huber(0.5), "huber_metric"),
        [typeof(SharpKeras.Metrics.BinaryCrossentropy)] = () => new SharpKeras.Metrics.BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.2),
        [typeof(SharpKeras.Metrics.CategoricalCrossentropy)] = () => new SharpKeras.Metrics.CategoricalCrossentropy("cce"),
        [typeof(SharpKeras.Metrics.SparseCategoricalCrossentropy)] = () => new SharpKeras.Metrics.SparseCategoricalCrossentropy(fromLogits: true),
    };

    private static (Model, Tensor[]) One(Layer layer, int[] shape)
    {
        var input = Keras.Input(shape);
        return (new Model(input, layer.Apply(input)), [GradCheck.Random(5, -1, 1, [3, .. shape])]);
    }

    private static (Model, Tensor[]) Two(Layer layer, int[] shape)
    {
        var a = Keras.Input(shape);
        var b = Keras.Input(shape);
        return (new Model([a, b], layer.Apply([a, b])), [GradCheck.Random(6, -1, 1, [3, .. shape]), GradCheck.Random(7, -1, 1, [3, .. shape])]);
    }

    private static SharpKeras.Layers.Preprocessing.Normalization AdaptedNormalization()
    {
        var layer = new SharpKeras.Layers.Preprocessing.Normalization();
        layer.Adapt(GradCheck.Random(11, -2, 3, 10, 4));
        return layer;
    }

    private static SharpKeras.Layers.Preprocessing.Discretization AdaptedDiscretization()
    {
        var layer = new SharpKeras.Layers.Preprocessing.Discretization(numBins: 4, outputMode: "one_hot");
        layer.Adapt(GradCheck.Random(12, -1, 1, 40));
        return layer;
    }

    private static SharpKeras.Layers.Preprocessing.IntegerLookup AdaptedIntegerLookup()
    {
        var layer = new SharpKeras.Layers.Preprocessing.IntegerLookup(maskToken: 0, outputMode: "multi_hot");
        layer.Adapt(Tensor.FromArray(new[] { 1, 2, 2, 3, 9, 9, 9, 0 }, 8));
        return layer;
    }

    // String layers cannot go through Predict (tensors hold numbers); their .keras round trips are in TextVectorizationTests.
    private static readonly Type[] s_stringLayers = [typeof(SharpKeras.Layers.Preprocessing.StringLookup), typeof(SharpKeras.Layers.Preprocessing.TextVectorization)];

    private static (Model, Tensor[]) Seq(int[] shape, params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.EnsureBuilt(new Shape([-1, .. shape]));
        return (model, [GradCheck.Random(8, -1, 1, [3, .. shape])]);
    }

    private static (Model, Tensor[]) Ids(params Layer[] layers)
    {
        var input = Keras.Input([5], DType.Int32);
        var x = input;
        foreach (var l in layers)
        {
            x = l.Apply(x);
        }
        return (new Model(input, x), [Tensor.FromArray(new[] { 1, 2, 3, 0, 0, 9, 8, 7, 6, 5, 4, 4, 0, 0, 0 }, 3, 5)]);
    }

    public static TheoryData<string> LayerTypes() => [.. LayerSamples().Keys.Select(t => t.Name)];

    public static TheoryData<string> InitializerTypes() => [.. s_initializers.Keys.Select(t => t.Name)];

    public static TheoryData<string> OptimizerTypes() => [.. s_optimizers.Keys.Select(t => t.Name)];

    [Fact]
    public void EveryPublicClassHasASampleAndIsRegistered()
    {
        var sampled = LayerSamples().Keys.Concat(s_initializers.Keys).Concat(s_optimizers.Keys).Concat(s_losses.Keys).Concat(s_metrics.Keys).Concat(s_stringLayers).ToHashSet();
        var missing = PublicClasses().Where(t => !sampled.Contains(t)).Select(t => t.FullName).ToArray();
        Assert.True(missing.Length == 0, $"Public classes without a round-trip sample in {nameof(RegistryRoundTripTests)}: {string.Join(", ", missing)}");
        var unregistered = PublicClasses().Where(t => !KerasSerializer.IsRegistered(t)).Select(t => t.FullName).ToArray();
        Assert.True(unregistered.Length == 0, $"Public classes not registered with KerasSerializer: {string.Join(", ", unregistered)}");
        Assert.True(PublicClasses().Count() >= 60, $"found only {PublicClasses().Count()} public classes; the reflection scan is broken");
    }

    private Model SaveAndLoad(Model model, string name)
    {
        var path = Path.Combine(_dir, name + ".keras");
        model.Save(path);
        return Model.Load(path);
    }

    [Theory]
    [MemberData(nameof(LayerTypes))]
    public void EveryLayerRoundTripsThroughKerasFile(string typeName)
    {
        var (type, make) = LayerSamples().Single(p => p.Key.Name == typeName);
        var (model, x) = make();
        var before = model.PredictOutputs(x, verbose: 0);
        var back = SaveAndLoad(model, typeName);
        Assert.Equal(KerasSerializer.Serialize(model).ToJsonString(), KerasSerializer.Serialize(back).ToJsonString());
        Assert.Equal(model.Weights.Count, back.Weights.Count);
        for (int i = 0; i < model.Weights.Count; i++)
        {
            Assert.Equal(model.Weights[i].Value.ToArray(), back.Weights[i].Value.ToArray());
        }
        var after = back.PredictOutputs(x, verbose: 0);
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].ToArray(), after[i].ToArray());
        }
        // The sampled class itself is in the loaded model (a cell inside its RNN).
        Assert.Contains(AllLayers(back), l => l.GetType() == type || (type == typeof(Model) && l == back));
    }

    private static IEnumerable<Layer> AllLayers(Model model)
    {
        yield return model;
        foreach (var l in model.Layers)
        {
            yield return l;
            if (l is RNN r)
            {
                yield return r.Cell;
            }
            if (l is Bidirectional b)
            {
                yield return b.ForwardLayer;
                yield return b.BackwardLayer;
            }
        }
        if (model.Graph is { } g)
        {
            foreach (var l in g.Layers)
            {
                yield return l;
            }
        }
    }

    [Theory]
    [MemberData(nameof(InitializerTypes))]
    public void EveryInitializerRoundTripsThroughKerasFile(string typeName)
    {
        var init = s_initializers.Single(p => p.Key.Name == typeName).Value();
        var input = Keras.Input([4]);
        var model = new Model(input, new Dense(3, kernelInitializer: init).Apply(input));
        var back = SaveAndLoad(model, typeName);
        var dense = back.Layers.OfType<Dense>().Single();
        Assert.Equal(init.GetType(), dense.KernelInitializer.GetType());
        Assert.Equal(KerasSerializer.Serialize(init).ToJsonString(), KerasSerializer.Serialize(dense.KernelInitializer).ToJsonString());
        Assert.Equal(model.Weights[0].Value.ToArray(), back.Weights[0].Value.ToArray());
        // The rebuilt initializer draws what the original draws.
        Assert.Equal(init.Call(new Shape(4, 3)).ToArray(), dense.KernelInitializer.Call(new Shape(4, 3)).ToArray());
    }

    [Theory]
    [MemberData(nameof(OptimizerTypes))]
    public void EveryOptimizerRoundTripsCompiledWithItsState(string typeName)
    {
        var optimizer = s_optimizers.Single(p => p.Key.Name == typeName).Value();
        var model = new Sequential([new Dense(4, activation: "tanh"), new Dense(3, activation: "softmax")]);
        model.Compile(optimizer, "sparse_categorical_crossentropy", ["accuracy"]);
        var x = GradCheck.Random(9, -1, 1, 16, 5);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 3)).ToArray(), 16);
        model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        var back = SaveAndLoad(model, typeName);
        Assert.True(back.Compiled, $"{typeName}: the model came back uncompiled");
        Assert.Equal(optimizer.GetType(), back.Optimizer!.GetType());
        // As in Keras, the learning rate comes back from its saved float32 variable, so the config holds it rounded to float32.
        var expected = optimizer.GetConfig();
        expected["learning_rate"] = (double)(float)optimizer.LearningRate;
        Assert.Equal(expected.ToJsonString(), back.Optimizer.GetConfig().ToJsonString());
        Assert.Equal(4, back.Optimizer.Iterations);
        Assert.Equal(optimizer.Slots.Count, back.Optimizer.Slots.Count);
        Assert.True(optimizer.Slots.Sum(s => s.Count) > 0, $"{typeName}: the sample has no slots to compare");
        for (int i = 0; i < optimizer.Slots.Count; i++)
        {
            for (int k = 0; k < optimizer.Slots[i].Count; k++)
            {
                Assert.Equal(optimizer.Slots[i][k].ToArray(), back.Optimizer.Slots[i][k].ToArray());
            }
        }
        for (int i = 0; i < model.Weights.Count; i++)
        {
            Assert.Equal(model.Weights[i].Value.ToArray(), back.Weights[i].Value.ToArray());
        }
        // Training continues identically from the restored state.
        model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        back.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(model.Weights[0].Value.ToArray(), back.Weights[0].Value.ToArray());
    }

    [Fact]
    public void EveryLossAndMetricRoundTripsThroughKerasFile()
    {
        foreach (var (type, make) in s_losses)
        {
            var loss = make();
            var model = new Sequential([new Dense(3)]);
            model.EnsureBuilt(new Shape(-1, 4));
            model.Compile("sgd", loss, s_metrics.Values.Select(m => m()).ToArray());
            var back = SaveAndLoad(model, type.Name);
            Assert.True(back.Compiled, $"{type.Name}: the model came back uncompiled");
            Assert.Equal(type, back.Loss!.GetType());
            Assert.Equal(loss.GetConfig().ToJsonString(), back.Loss.GetConfig().ToJsonString());
            var metrics = back.MetricObjects!;
            Assert.Equal(s_metrics.Keys, metrics.Select(m => m.GetType()));
            Assert.Equal(s_metrics.Values.Select(m => m().GetConfig().ToJsonString()), metrics.Select(m => m.GetConfig().ToJsonString()));
        }
    }
}
