namespace SharpKeras.Callbacks;

/// <summary>Which Keras generation's progress bar <see cref="Progbar"/> draws.</summary>
public enum ProgbarStyle
{
    /// <summary>Keras 3's bar (the default): <c>469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.8000 - loss: 0.5000</c>; metrics in Keras 3's (sorted) order.</summary>
    Keras3,

    /// <summary>Keras 2's bar: <c>469/469 [==============================] - 2s 4ms/step - loss: 0.5000 - accuracy: 0.8000</c>; metrics in log order.</summary>
    Keras2,
}
