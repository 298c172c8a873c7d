package io.mater.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lowers the learning rate by factor when a metric stops improving, with PyTorch's semantics: after more
 * than patience epochs without an improvement beyond threshold (relative or absolute), lr = max(lr * factor,
 * minLr) when that changes it by more than eps; then cooldown epochs during which bad epochs are not counted.
 */
public final class ReduceLROnPlateau {
    public enum Mode { MIN, MAX }

    public enum ThresholdMode { REL, ABS }

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor, threshold, minLr, eps;
    private final int patience, cooldown;
    private final ThresholdMode thresholdMode;
    private double best;
    private int badEpochs, cooldownCounter, lastEpoch;

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, double minLr, double eps) {
        if (factor >= 1.0) throw new IllegalArgumentException("ReduceLROnPlateau factor must be < 1, got " + factor);
        this.optimizer = optimizer;
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.eps = eps;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** PyTorch's defaults: min mode, factor 0.1, threshold 1e-4 relative, no cooldown, min lr 0, eps 1e-8. */
    public ReduceLROnPlateau(Optimizer optimizer, int patience) {
        this(optimizer, Mode.MIN, 0.1, patience, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
    }

    private boolean isBetter(double a) {
        return switch (mode) {
            case MIN -> thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold) : a < best - threshold;
            case MAX -> thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1) : a > best + threshold;
        };
    }

    /** Records one epoch's metric; returns true when the learning rate was lowered. */
    public boolean step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            double old = optimizer.lr(), next = Math.max(old * factor, minLr);
            badEpochs = 0;
            cooldownCounter = cooldown;
            if (old - next > eps) {
                optimizer.setLr(next);
                return true;
            }
        }
        return false;
    }

    /** Scheduler state for checkpoints. */
    public Map<String, String> state() {
        var s = new LinkedHashMap<String, String>();
        s.put("best", Double.toString(best));
        s.put("num_bad_epochs", Integer.toString(badEpochs));
        s.put("cooldown_counter", Integer.toString(cooldownCounter));
        s.put("last_epoch", Integer.toString(lastEpoch));
        return s;
    }

    public void loadState(Map<String, String> s) {
        try {
            best = Double.parseDouble(s.get("best"));
            badEpochs = Integer.parseInt(s.get("num_bad_epochs"));
            cooldownCounter = Integer.parseInt(s.get("cooldown_counter"));
            lastEpoch = Integer.parseInt(s.get("last_epoch"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad ReduceLROnPlateau state " + s + ": " + e.getMessage());
        }
    }
}
