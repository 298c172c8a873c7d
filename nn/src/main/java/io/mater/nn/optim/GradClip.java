package io.mater.nn.optim;

import io.mater.engine.Tensor;
import java.util.Collection;

/** Global gradient-norm clipping (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients by min(1, maxNorm / (total + 1e-6)) where total is the L2 norm of all gradients
     * together; returns total (before clipping).
     */
    public static double clipGradNorm(Collection<Tensor> params, double maxNorm) {
        double sq = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            sq += p.grad().square().sum().item();
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) if (p.grad() != null) p.setGrad(p.grad().mul((float) coef));
        }
        return total;
    }
}
