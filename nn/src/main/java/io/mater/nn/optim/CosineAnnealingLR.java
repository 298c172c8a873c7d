package io.mater.nn.optim;

/**
 * Cosine learning-rate schedule with optional linear warm-up, evaluated in closed form per step:
 * lr(t) = minLr + (baseLr - minLr) (1 + cos(pi t / total)) / 2 after warm-up.
 */
public final class CosineAnnealingLR {
    private final Optimizer optimizer;
    private final double baseLr, minLr;
    private final long total, warmup;

    public CosineAnnealingLR(Optimizer optimizer, long totalSteps, long warmupSteps, double minLr) {
        if (totalSteps <= 0) throw new IllegalArgumentException("total steps must be positive");
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
        this.total = totalSteps;
        this.warmup = Math.max(0, warmupSteps);
        this.minLr = minLr;
    }

    /** Sets the learning rate for step t (0-based) and returns it. */
    public double apply(long t) {
        double lr;
        if (t < warmup) lr = baseLr * (t + 1) / warmup;
        else {
            double x = Math.min(1.0, (double) (t - warmup) / Math.max(1, total - warmup));
            lr = minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * x));
        }
        optimizer.setLr(lr);
        return lr;
    }
}
