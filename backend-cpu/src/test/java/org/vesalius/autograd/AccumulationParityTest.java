package org.vesalius.autograd;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vesalius.nn.TrainingFixtures;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Gradients accumulated over several {@code backward(createGraph)} calls and differentiated again,
 * against {@code golden/autograd.json} ({@code tools/golden/generate_autograd.py}, PyTorch 1.13).
 */
class AccumulationParityTest {
    private static final JsonObject CASES = TrainingFixtures.load("autograd.json").getAsJsonObject("cases");

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor in(JsonObject c, String name) {
        return TrainingFixtures.tensor(c.getAsJsonObject(name));
    }

    private static Tensor leaf(JsonObject c, String name) {
        return in(c, name).requiresGrad_(true);
    }

    private static void expect(JsonObject c, String name, Tensor actual) {
        assertNotNull(actual, name + " is null");
        TrainingFixtures.assertValues(name, c.getAsJsonObject(name), actual, TrainingFixtures.GRAD64);
    }

    @Test
    void secondDerivativeThroughTwoAccumulatedBackwardCalls() {
        JsonObject c = CASES.getAsJsonObject("doubleBackward");
        Tensor x = leaf(c, "x");
        x.pow(3).sum().backward(null, true, true);
        x.pow(2).sum().backward(null, true, true);
        expect(c, "grad", x.grad());
        Tensor[] second = Autograd.grad(new Tensor[] {x.grad().sum()}, new Tensor[] {x}, null, false, false, false);
        expect(c, "second", second[0]);
    }

    @Test
    void hessianVectorProductAfterAccumulation() {
        JsonObject c = CASES.getAsJsonObject("hvp");
        Tensor x = leaf(c, "x");
        Tensor a = in(c, "A");
        Tensor v = in(c, "v");
        x.sin().mul(x.pow(2)).sum().backward(null, true, true);
        x.matmul(a).matmul(x).backward(null, true, true);
        expect(c, "grad", x.grad());
        Tensor[] hvp = Autograd.grad(new Tensor[] {x.grad().mul(v).sum()}, new Tensor[] {x}, null, false, false, false);
        expect(c, "hvp", hvp[0]);
    }

    private static List<Tensor> critic(JsonObject c, String prefix) {
        List<Tensor> p = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            p.add(leaf(c, prefix + "p" + i));
        }
        return p;
    }

    private static Tensor critic(List<Tensor> p, Tensor x) {
        return Tensor.linear(Tensor.linear(x, p.get(0), p.get(1)).tanh(), p.get(2), p.get(3));
    }

    private static Tensor penalty(Tensor g) {
        return g.pow(2).sum(1, false).sqrt().sub(1).pow(2).mean();
    }

    @Test
    void gradientPenaltyOnAGradientAccumulatedFromTwoCritics() {
        JsonObject c = CASES.getAsJsonObject("wganGpTwoCritics");
        List<Tensor> d1 = critic(c, "d1.");
        List<Tensor> d2 = critic(c, "d2.");
        Tensor interp = leaf(c, "interp");
        critic(d1, interp).sum().backward(null, true, true);
        critic(d2, interp).sum().backward(null, true, true);
        Tensor gp = penalty(interp.grad()).mul(10);
        expect(c, "penalty", gp);
        gp.backward();
        for (int i = 0; i < 4; i++) {
            expect(c, "d1.grad" + i, d1.get(i).grad());
            expect(c, "d2.grad" + i, d2.get(i).grad());
        }
    }

    @Test
    void twoGradientPenaltyCriticStepsAccumulate() {
        JsonObject c = CASES.getAsJsonObject("wganGpTwoSteps");
        List<Tensor> d = critic(c, "");
        for (int step = 0; step < 2; step++) {
            Tensor real = in(c, "real" + step);
            Tensor fake = in(c, "fake" + step);
            Tensor eps = in(c, "eps" + step);
            Tensor interp = eps.mul(real).add(eps.rsub(1).mul(fake)).requiresGrad_(true);
            Tensor g = Autograd.grad(new Tensor[] {critic(d, interp).sum()}, new Tensor[] {interp}, null, true, true,
                    false)[0];
            Tensor loss = critic(d, fake).mean().sub(critic(d, real).mean()).add(penalty(g).mul(10));
            expect(c, "loss" + step, loss);
            loss.backward();
            for (int i = 0; i < 4; i++) {
                expect(c, "step" + step + ".grad" + i, d.get(i).grad());
            }
        }
        for (int i = 1; i < 4; i++) {
            assertNotSame(d.get(0).grad(), d.get(i).grad());
        }
    }
}
