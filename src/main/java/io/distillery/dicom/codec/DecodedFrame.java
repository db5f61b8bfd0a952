package io.distillery.dicom.codec;

/**
 * One frame decompressed to native form: little-endian samples of {@code bitsAllocated} width,
 * colour-by-pixel (planar configuration 0).
 *
 * @param photometricInterpretation what the samples now are; e.g. a YBR_FULL_422 JPEG whose colour transform the
 *     codec reversed comes out as "RGB", as dcmtk's decompressors report it
 */
public record DecodedFrame(byte[] data, String photometricInterpretation) {
}
