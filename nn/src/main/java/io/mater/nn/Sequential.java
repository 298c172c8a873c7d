package io.mater.nn;

import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; children are named 0, 1, 2, ... as in PyTorch. */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    @SafeVarargs
    public <M extends Module & Layer> Sequential(M... modules) {
        for (M m : modules) add(m);
    }

    /** Appends a layer under the next index; returns this. */
    public <M extends Module & Layer> Sequential add(M module) {
        registerModule(Integer.toString(layers.size()), module);
        layers.add(module);
        return this;
    }

    public int size() {
        return layers.size();
    }

    public Layer get(int i) {
        return layers.get(i);
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }

    /** Runs layers [from, to) only. */
    public Tensor forward(Tensor x, int from, int to) {
        for (int i = from; i < to; i++) x = layers.get(i).forward(x);
        return x;
    }
}
