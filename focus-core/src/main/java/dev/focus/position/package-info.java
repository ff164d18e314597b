/**
 * Position encodings and multimodal position assignment (spec 04, spec 05 §3.1).
 *
 * <p>Legend: T tokens, C model width, NH heads, HS head size, d rotary dims (≤ HS), A coordinate
 * axes (1–3). Coordinates are always {@code double} tuples.
 *
 * <p>Entry points for model and attention code:
 * <ul>
 *   <li>{@link dev.focus.position.PositionKind} is the one list of names ({@code nope}, {@code rope},
 *       {@code rope-tv}, …) and its parser; {@link dev.focus.position.PositionSpec#create} builds an
 *       encoding from a kind and its knobs. A decoder asks the encoding to add to the embeddings
 *       ({@code addTo}), for q/k rotations ({@code rotaryTable}) or for logit slopes ({@code logitSlopes}).
 *   <li>{@link dev.focus.position.PositionScheme#assign} / {@link dev.focus.position.PositionEncoding#positions}
 *       turn a {@link dev.focus.position.Layout} into per-token coordinates, kinds and visual spans
 *       ({@link dev.focus.position.Positions#attends} is the mask rule); {@link dev.focus.position.PositionCursor}
 *       continues token by token.
 *   <li>Rotary: {@link dev.focus.position.Rope#table} gives a {@link dev.focus.position.RopeTable}
 *       (cos/sin per sequence); {@code rotate}/{@code rotateBackward} work in place on (T, NH, HS).
 *   <li>ALiBi: {@link dev.focus.position.Alibi#slopes()} and {@code addBias}; the attention kernels take
 *       its {@code logitSlopes()}.
 *   <li>Absolute: {@link dev.focus.position.LearnedAbsolute} and {@link dev.focus.position.Sinusoidal}
 *       add to the (T, C) embeddings; parameter gradients accumulate, input gradients pass through.
 *   <li>Qwen2-VL interop: {@link dev.focus.position.MRopeIndex#getRopeIndex}.
 * </ul>
 */
package dev.focus.position;
