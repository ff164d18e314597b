/**
 * Lossless multimodal input and image output by diffusion in one decoder Transformer
 * (spec 02; Su Jianlin, "闭门造车"之多模态思路浅谈 (一) 无损输入, kexue.fm/archives/9984).
 *
 * <p>Images enter as raw pixel patches ({@link dev.focus.multimodal.PixelCodec},
 * {@link dev.focus.multimodal.Patchify}) through a bias-free linear projection — no VQ, no encoder —
 * and leave by denoising the same patch tokens ({@link dev.focus.multimodal.DiffusionSchedule},
 * {@link dev.focus.multimodal.DdimSampler}). {@link dev.focus.multimodal.InfoAudit} counts the bits
 * that a discrete tokenizer would need; {@link dev.focus.multimodal.KMeansTokenizer} is the lossy VQ
 * baseline used to measure the article's point.
 *
 * <p>Legend: H, W image height and width in pixels; C channels; P patch side; N = (H/P)(W/P) patches;
 * D = P·P·C values per patch; T diffusion steps (1000).
 */
package dev.focus.multimodal;
