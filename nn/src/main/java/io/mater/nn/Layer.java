package io.mater.nn;

import io.mater.engine.Tensor;

/** A module with one tensor in and one out, as {@link Sequential} chains them. */
public interface Layer {
    Tensor forward(Tensor x);
}
