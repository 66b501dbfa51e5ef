namespace SharpKeras.Models;

public partial class Model
{
    /// <summary>
    /// Exports the model for inference elsewhere (Keras's <c>model.export(filepath, format="onnx")</c>); "onnx"
    /// (opset 17, dynamic batch axis) is the one format here.
    /// </summary>
    public void Export(string filepath, string format = "onnx")
    {
        if (format != "onnx")
        {
            throw new ArgumentException($"Model.Export: format '{format}' is not supported; SharpKeras exports \"onnx\" only (Keras's tf_saved_model and openvino formats need TensorFlow and OpenVINO).", nameof(format));
        }
        SharpKeras.Export.OnnxExporter.Export(this, filepath);
    }
}
