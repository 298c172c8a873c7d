package io.mater.nn.optim;

import io.mater.engine.MemoryScope;
import io.mater.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimisers: a named set of parameters, a learning rate that schedulers may change, and
 * per-parameter state tensors that {@link #stateDict()} exposes under {@code <param name>.<state name>}
 * so that training can resume exactly.
 */
public abstract class Optimizer {
    protected final LinkedHashMap<String, Tensor> params;
    protected double lr;

    protected Optimizer(Map<String, Tensor> params, double lr) {
        if (params.isEmpty()) throw new IllegalArgumentException("optimiser got no parameters");
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    /** Parameters named by their position "0", "1", ... (prefer the named form for checkpoints). */
    protected static Map<String, Tensor> byIndex(List<Tensor> params) {
        var m = new LinkedHashMap<String, Tensor>();
        for (int i = 0; i < params.size(); i++) m.put(Integer.toString(i), params.get(i));
        return m;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.lr = lr;
    }

    /** Applies one update from the parameters' current gradients (parameters without a gradient are skipped). */
    public abstract void step();

    /** Clears the gradients of the optimised parameters. */
    public void zeroGrad() {
        for (Tensor p : params.values()) p.setGrad(null);
    }

    /** State tensors by "param.state" name, plus scalar state as 1-element tensors (e.g. "step"). */
    public abstract Map<String, Tensor> stateDict();

    /**
     * Keeps the state tensors (made lazily by the first {@link #step()}, so possibly inside a training step's
     * memory scope) alive after that scope closes.
     */
    public void keepState(MemoryScope scope) {
        for (Tensor s : stateDict().values()) scope.keep(s);
    }

    /** Restores what {@link #stateDict()} returned; every key must be present with the right shape. */
    public abstract void loadStateDict(Map<String, Tensor> state);

    /** Hyper-parameters as strings, for checkpoint metadata. */
    public abstract Map<String, String> hyperParameters();

    protected static Tensor require(Map<String, Tensor> state, String key, int[] shape) {
        Tensor t = state.get(key);
        if (t == null) throw new IllegalArgumentException("optimiser state lacks '" + key + "'");
        if (!java.util.Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException("optimiser state '" + key + "' has shape " + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(shape));
        return t;
    }
}
