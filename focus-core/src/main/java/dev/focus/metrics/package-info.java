/**
 * Attention focus metrics (spec 01, "Can attention really focus?", Su Jianlin 2023) and the
 * model-free position measurements of spec 05 (NoPE variance law, ALiBi saturation, probe chance).
 *
 * <p>Everything here is arithmetic in {@code double}. A row {@code x} holds one query's attention
 * weights at any scale or sign; matrices are row-major {@code (R, C)} arrays, heads {@code (H, R, C)}.
 *
 * <ul>
 *   <li>{@link dev.focus.metrics.Sparsity}: S*, S*_{q,p}, S_{1,p}, participation ratio, entropies,
 *       on rows, masked rows, matrices and heads; {@link dev.focus.metrics.KeyMask} says which keys
 *       a row sees; {@link dev.focus.metrics.Summary} aggregates rows with an n_min filter.
 *   <li>{@link dev.focus.metrics.AttentionWeights} builds raw weights for the attention kinds of
 *       {@link dev.focus.metrics.WeightKind}.
 *   <li>{@link dev.focus.metrics.Predictors}: closed forms of S for Gaussian logits, fixed decay and
 *       non-negative linear attention; {@link dev.focus.metrics.Estimators} recovers β and γ from q and K.
 *   <li>{@link dev.focus.metrics.QueryDependence}: top-m overlap, shared column mass, rank, log|det|.
 *   <li>{@link dev.focus.metrics.NopeMeasures}: spec 05 variance profile, effective tokens, ALiBi
 *       saturation, probe chance, resolution, head distance.
 *   <li>{@link dev.focus.metrics.SpecialFunctions} (erf, erfc, Φ) and
 *       {@link dev.focus.metrics.Quadrature} (adaptive Gauss–Kronrod) support the rest.
 * </ul>
 */
package dev.focus.metrics;
