package io.mater.nn;

import io.mater.engine.Device;
import io.mater.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of every layer and network, with PyTorch's conventions: parameters and buffers registered under
 * names, children under names, so that {@link #stateDict()} keys are dotted paths such as
 * {@code layers.0.self_attn.in_proj_weight}; {@link #train()} / {@link #eval()}; {@link #zeroGrad()}.
 *
 * <p>Layers read their tensors through {@link #param(String)} and {@link #buffer(String)}, so that
 * {@link #to(Device)} and {@link #loadStateDict} can replace or refill them.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a learnable tensor (marked requiresGrad) under name; returns it. */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        params.put(name, value.requiresGrad(true));
        return value;
    }

    /** Registers a state tensor that is saved but not learned (e.g. running statistics). */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module under name; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module member names must be non-empty and without dots, got '" + name + "'");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
    }

    /** The parameter registered as name. */
    protected final Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) throw new IllegalStateException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        return t;
    }

    /** The parameter registered as name, or null when the module has none by that name. */
    protected final Tensor optionalParam(String name) {
        return params.get(name);
    }

    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalStateException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        return t;
    }

    /** Direct children by name. */
    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    // ------------------------------------------------------------------ parameters and state

    /** Every parameter of this module and its descendants, by dotted name, in registration order. */
    public final LinkedHashMap<String, Tensor> namedParameters() {
        var out = new LinkedHashMap<String, Tensor>();
        collect("", out, true, false);
        return out;
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public final LinkedHashMap<String, Tensor> namedBuffers() {
        var out = new LinkedHashMap<String, Tensor>();
        collect("", out, false, true);
        return out;
    }

    /** Parameters and buffers by dotted name (the tensors themselves, detached from autograd). */
    public final LinkedHashMap<String, Tensor> stateDict() {
        var out = new LinkedHashMap<String, Tensor>();
        collect("", out, true, true);
        out.replaceAll((k, v) -> v.detach());
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withParams, boolean withBuffers) {
        if (withParams) params.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out, withParams, withBuffers));
    }

    /** Number of learnable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.numel();
        return n;
    }

    /** What {@link #loadStateDict} found: keys the module has that the state lacked, keys it does not know, and shape mismatches. */
    public record LoadResult(List<String> missing, List<String> unexpected, List<String> wrongShape) {
        public boolean clean() {
            return missing.isEmpty() && unexpected.isEmpty() && wrongShape.isEmpty();
        }

        @Override
        public String toString() {
            var parts = new ArrayList<String>();
            if (!missing.isEmpty()) parts.add("missing keys " + missing);
            if (!unexpected.isEmpty()) parts.add("unexpected keys " + unexpected);
            if (!wrongShape.isEmpty()) parts.add("wrong shapes " + wrongShape);
            return parts.isEmpty() ? "all keys matched" : String.join("; ", parts);
        }
    }

    /**
     * Copies values from state into this module's parameters and buffers (in place, on their device). With
     * strict, any missing, unexpected or wrongly shaped key is an error that lists all of them; otherwise the
     * matching keys are loaded and the rest reported.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        var own = stateDict();
        var missing = new ArrayList<String>();
        var unexpected = new ArrayList<String>();
        var wrong = new ArrayList<String>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else if (!Arrays.equals(src.shape(), e.getValue().shape()))
                wrong.add(e.getKey() + " (expected " + Arrays.toString(e.getValue().shape()) + ", got " + Arrays.toString(src.shape()) + ")");
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        var result = new LoadResult(missing, unexpected, wrong);
        if (strict && !result.clean())
            throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName() + ": " + result);
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null || !Arrays.equals(src.shape(), e.getValue().shape())) continue;
            Tensor dst = e.getValue();
            dst.backend().copy(src.device().equals(dst.device()) ? src : src.detach().to(dst.device()), dst);
        }
        return result;
    }

    /** Moves every parameter and buffer to device (replacing them); returns this. Create optimisers afterwards. */
    public Module to(Device device) {
        params.replaceAll((k, v) -> v.device().equals(device) ? v : v.detach().to(device).requiresGrad(true));
        buffers.replaceAll((k, v) -> v.device().equals(device) ? v : v.detach().to(device));
        children.values().forEach(c -> c.to(device));
        return this;
    }

    // ------------------------------------------------------------------ modes and gradients

    /** Sets training mode here and in every descendant; returns this. */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    public final Module train() {
        return train(true);
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Clears every parameter's gradient (set to none, as PyTorch's default). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) p.setGrad(null);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + parameterCount() + " parameters)";
    }
}
