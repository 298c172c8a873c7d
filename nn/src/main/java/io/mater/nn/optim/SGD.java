package io.mater.nn.optim;

import io.mater.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with momentum as PyTorch: g += wd p; buf = momentum buf + (1 - dampening) g (buf = g on the first
 * step); g = nesterov ? g + momentum buf : buf; p -= lr g.
 */
public final class SGD extends Optimizer {
    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    public SGD(Map<String, Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(params, lr);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    public SGD(Map<String, Tensor> params, double lr, double momentum) {
        this(params, lr, momentum, 0, 0, false);
    }

    @Override
    public void step() {
        try (var ignored = io.mater.engine.Autograd.noGrad()) {
            for (var e : params.entrySet()) {
                Tensor p = e.getValue(), g = p.grad();
                if (g == null) continue;
                Tensor d = weightDecay != 0 ? g.add(p.detach().mul((float) weightDecay)) : g;
                if (momentum != 0) {
                    Tensor buf = buffers.get(e.getKey());
                    buf = buf == null ? d.contiguous() : buf.mul((float) momentum).add(d.mul((float) (1 - dampening)));
                    buffers.put(e.getKey(), buf);
                    d = nesterov ? d.add(buf.mul((float) momentum)) : buf;
                }
                Tensor updated = p.detach().sub(d.mul((float) lr));
                p.backend().copy(updated, p);
            }
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        var out = new LinkedHashMap<String, Tensor>();
        buffers.forEach((k, b) -> out.put(k + ".momentum_buffer", b));
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        buffers.clear();
        for (var e : params.entrySet()) {
            Tensor b = state.get(e.getKey() + ".momentum_buffer");
            if (b != null) buffers.put(e.getKey(), require(state, e.getKey() + ".momentum_buffer", e.getValue().shape()).to(e.getValue().device()).contiguous());
        }
    }

    @Override
    public Map<String, String> hyperParameters() {
        var h = new LinkedHashMap<String, String>();
        h.put("optimizer", "SGD");
        h.put("lr", Double.toString(lr));
        h.put("momentum", Double.toString(momentum));
        h.put("dampening", Double.toString(dampening));
        h.put("weight_decay", Double.toString(weightDecay));
        h.put("nesterov", Boolean.toString(nesterov));
        return h;
    }
}
