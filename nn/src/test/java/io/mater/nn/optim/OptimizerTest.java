package io.mater.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mater.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Optimisers and schedulers against sequences recorded from PyTorch 1.13 (values in the comments' scripts). */
class OptimizerTest {
    /** loss = sum(w^2 * [1, 2, 3]) + sum(w) * (t + 1), as in the PyTorch script that produced the expectations. */
    static float[][] run(Function<Map<String, Tensor>, Optimizer> make) {
        Tensor w = Tensor.vector(0.5f, -1f, 2f).requiresGrad(true);
        var params = new LinkedHashMap<String, Tensor>();
        params.put("w", w);
        Optimizer o = make.apply(params);
        float[][] out = new float[4][];
        for (int t = 0; t < 4; t++) {
            o.zeroGrad();
            w.square().mul(Tensor.vector(1, 2, 3)).sum().add(w.sum().mul(t + 1f)).backward();
            o.step();
            out[t] = w.toArray();
        }
        return out;
    }

    static void same(double[][] expected, float[][] actual, float tol) {
        for (int t = 0; t < expected.length; t++)
            for (int i = 0; i < expected[t].length; i++)
                assertEquals(expected[t][i], actual[t][i], tol, "step " + t + " element " + i);
    }

    @Test
    void sgdNesterovWithWeightDecay() {
        same(new double[][] {{0.11904997378587723, -0.42810001969337463, -0.4738001227378845}, {-0.4688202440738678, -0.23812063038349152, -1.3673877716064453},
                {-1.18732488155365, -0.43021637201309204, -1.2564749717712402}, {-1.9553492069244385, -0.851258397102356, -0.9515047669410706}},
                run(p -> new SGD(p, 0.1, 0.9, 0, 0.01, true)), 1e-5f);
    }

    @Test
    void sgdWithDampening() {
        same(new double[][] {{0.30000001192092896, -0.699999988079071, 0.699999988079071}, {-0.11399997770786285, -0.3580000102519989, -1.0279998779296875},
                {-0.7360799908638, -0.1913200169801712, -2.2980797290802}, {-1.5234575271606445, -0.3324328362941742, -2.5601885318756104}},
                run(p -> new SGD(p, 0.1, 0.9, 0.1, 0, false)), 1e-5f);
    }

    @Test
    void adamW() {
        same(new double[][] {{0.39750000834465027, -0.8949999809265137, 1.8899999856948853}, {0.2960064113140106, -0.796555757522583, 1.7804911136627197},
                {0.19519734382629395, -0.716537594795227, 1.6714327335357666}, {0.09477133303880692, -0.6723141074180603, 1.5627858638763428}},
                run(p -> Adam.adamW(p, 0.1, 0.05)), 1e-6f);
    }

    @Test
    void adamWithL2() {
        same(new double[][] {{0.4000000059604645, -0.8999999761581421, 1.899999976158142}, {0.3004753589630127, -0.8056936860084534, 1.7999335527420044},
                {0.20111683011054993, -0.7281644344329834, 1.6997590065002441}, {0.10163175314664841, -0.68422532081604, 1.5994364023208618}},
                run(p -> new Adam(p, 0.1, 0.9, 0.999, 1e-8, 0.05, false)), 1e-6f);
    }

    @Test
    void adamStateRoundTripResumesExactly() {
        Tensor w1 = Tensor.vector(0.5f, -1f, 2f).requiresGrad(true), w2 = Tensor.vector(0.5f, -1f, 2f).requiresGrad(true);
        Adam a = new Adam(Map.of("w", w1), 0.1), b = new Adam(Map.of("w", w2), 0.1);
        for (int t = 0; t < 3; t++) {
            a.zeroGrad();
            w1.square().sum().add(w1.sum().mul(t)).backward();
            a.step();
        }
        b.loadStateDict(a.stateDict());
        w2.backend().copy(w1.detach(), w2);
        for (var opt : new Adam[] {a, b}) {
            Tensor w = opt == a ? w1 : w2;
            opt.zeroGrad();
            w.square().sum().add(w.sum().mul(3)).backward();
            opt.step();
        }
        assertArrayEquals(w1.toArray(), w2.toArray());
        assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(Map.of("w.step", Tensor.scalar(1))));
        assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(Map.of("x.step", Tensor.scalar(1))));
    }

    @Test
    void clipGradNorm() {
        Tensor w = Tensor.vector(3, 4).requiresGrad(true), v = Tensor.vector(1).requiresGrad(true);
        w.setGrad(Tensor.vector(3, 4));
        v.setGrad(Tensor.vector(12));
        assertEquals(13.0, GradClip.clipGradNorm(java.util.List.of(w, v), 6.5), 1e-6);
        assertArrayEquals(new float[] {1.4999998807907104f, 1.9999998807907104f}, w.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {5.999999523162842f}, v.grad().toArray(), 1e-6f);
        // below the limit: unchanged
        assertEquals(6.5, GradClip.clipGradNorm(java.util.List.of(w, v), 100), 1e-5);
        assertArrayEquals(new float[] {1.4999998807907104f, 1.9999998807907104f}, w.grad().toArray(), 1e-6f);
    }

    @Test
    void reduceLrOnPlateauMinRelWithCooldownAndFloor() {
        Optimizer o = new SGD(Map.of("p", Tensor.zeros(1).requiresGrad(true)), 1.0, 0);
        var s = new ReduceLROnPlateau(o, ReduceLROnPlateau.Mode.MIN, 0.5, 2, 0.1, ReduceLROnPlateau.ThresholdMode.REL, 1, 0.1, 1e-8);
        double[] metrics = {10, 9.5, 9.4, 9.3, 9.2, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7};
        double[] expected = {1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.1};
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            assertEquals(expected[i], o.lr(), 1e-12, "epoch " + i);
        }
    }

    @Test
    void reduceLrOnPlateauMaxAbs() {
        Optimizer o = new SGD(Map.of("p", Tensor.zeros(1).requiresGrad(true)), 1.0, 0);
        var s = new ReduceLROnPlateau(o, ReduceLROnPlateau.Mode.MAX, 0.1, 1, 0.5, ReduceLROnPlateau.ThresholdMode.ABS, 0, 0, 1e-8);
        double[] metrics = {1, 1.2, 1.4, 2.0, 2.1, 2.2, 3.0, 3.0, 3.0};
        double[] expected = {1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001};
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            assertEquals(expected[i], o.lr(), 1e-12, "epoch " + i);
        }
        var copy = new ReduceLROnPlateau(o, ReduceLROnPlateau.Mode.MAX, 0.1, 1, 0.5, ReduceLROnPlateau.ThresholdMode.ABS, 0, 0, 1e-8);
        copy.loadState(s.state());
        assertEquals(s.state(), copy.state());
    }
}
