package io.mater.nn.optim;

import io.mater.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma & Ba) with PyTorch's exact update: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). Weight decay is L2 (added to the gradient) for Adam
 * and decoupled (p *= 1 - lr wd) for {@link #adamW}.
 */
public class Adam extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final Map<String, Tensor> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private final Map<String, Integer> steps = new LinkedHashMap<>();

    public Adam(Map<String, Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(params, lr);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps >= 0) || !(weightDecay >= 0)) throw new IllegalArgumentException("Adam eps and weight decay must be >= 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(Map<String, Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    public Adam(List<Tensor> params, double lr) {
        this(byIndex(params), lr);
    }

    /** AdamW with PyTorch's defaults except the given weight decay (PyTorch's default is 0.01). */
    public static Adam adamW(Map<String, Tensor> params, double lr, double weightDecay) {
        return new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay, true);
    }

    @Override
    public void step() {
        for (var e : params.entrySet()) {
            Tensor p = e.getValue(), g = p.grad();
            if (g == null) continue;
            String name = e.getKey();
            Tensor mi = m.computeIfAbsent(name, k -> p.zerosLike());
            Tensor vi = v.computeIfAbsent(name, k -> p.zerosLike());
            int t = steps.merge(name, 1, Integer::sum);
            p.backend().adamStep(p, g, mi, vi, (float) lr, (float) beta1, (float) beta2, (float) eps, (float) weightDecay, decoupled, t);
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        var out = new LinkedHashMap<String, Tensor>();
        for (String name : params.keySet()) {
            if (!steps.containsKey(name)) continue;
            out.put(name + ".exp_avg", m.get(name));
            out.put(name + ".exp_avg_sq", v.get(name));
            out.put(name + ".step", Tensor.scalar(steps.get(name)));
        }
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        m.clear();
        v.clear();
        steps.clear();
        for (var e : params.entrySet()) {
            String name = e.getKey();
            if (!state.containsKey(name + ".step")) continue;
            Tensor p = e.getValue();
            Tensor mi = p.zerosLike(), vi = p.zerosLike();
            mi.backend().copy(require(state, name + ".exp_avg", p.shape()).to(p.device()), mi);
            vi.backend().copy(require(state, name + ".exp_avg_sq", p.shape()).to(p.device()), vi);
            m.put(name, mi);
            v.put(name, vi);
            steps.put(name, (int) state.get(name + ".step").item());
        }
        for (String k : state.keySet()) {
            String param = k.substring(0, Math.max(0, k.lastIndexOf('.')));
            if (!params.containsKey(param)) throw new IllegalArgumentException("optimiser state names an unknown parameter: '" + k + "'");
        }
    }

    @Override
    public Map<String, String> hyperParameters() {
        var h = new LinkedHashMap<String, String>();
        h.put("optimizer", decoupled ? "AdamW" : "Adam");
        h.put("lr", Double.toString(lr));
        h.put("beta1", Double.toString(beta1));
        h.put("beta2", Double.toString(beta2));
        h.put("eps", Double.toString(eps));
        h.put("weight_decay", Double.toString(weightDecay));
        return h;
    }
}
