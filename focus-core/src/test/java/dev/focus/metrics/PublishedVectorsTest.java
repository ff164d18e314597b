package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;

import org.junit.jupiter.api.Test;

/** The only published test vectors of spec 01 §4 (tolerance 1e-9). */
class PublishedVectorsTest {
  private static final double TOL = 1e-9;

  @Test
  void sparsityOfTheListedRows() {
    assertClose("S*[3,1,0,2]", 0.8017837257, Sparsity.sparsity(new double[] {3, 1, 0, 2}), TOL, 0);
    assertClose("S*[1,-1,2,-2]", 0.9486832981, Sparsity.sparsity(new double[] {1, -1, 2, -2}), TOL, 0);
    assertClose("S*[1,1,0,0]", 0.7071067812, Sparsity.sparsity(new double[] {1, 1, 0, 0}), TOL, 0);
  }

  @Test
  void oneHotGivesOneOverRootN() {
    double[] a = new double[4], b = new double[100];
    a[2] = 1;
    b[17] = 3.5;
    assertClose("one-hot n=4", 0.5, Sparsity.sparsity(a), TOL, 0);
    assertClose("one-hot n=100", 0.1, Sparsity.sparsity(b), TOL, 0);
  }

  @Test
  void softmaxClosedFormIgnoresBeta() {
    double[] gammas = {0.5, 1, 2, 3};
    double[] expected = {0.8824969026, 0.6065306597, 0.1353352832, 0.01110899654};
    for (double beta : new double[] {-2.5, 0, 1.75}) {
      for (int i = 0; i < gammas.length; i++) {
        assertClose("sExp(beta=" + beta + ", gamma=" + gammas[i] + ")", expected[i], Predictors.sExp(beta, gammas[i]), TOL, 0);
      }
    }
  }

  @Test
  void identityAndRelu2AtTZeroForAnyGamma() {
    for (double gamma : new double[] {0.1, 1, 7.5}) {
      assertClose("identity t=0, gamma=" + gamma, 0.7978845608, Predictors.sIdentity(0, gamma), TOL, 0);
      assertClose("relu2 t=0, gamma=" + gamma, 0.4082482905, Predictors.sRelu2(0, gamma), TOL, 0);
    }
  }
}
