#!/bin/sh
# DICOM fixtures for cnn's medical tests, made with DCMTK (Debian package dcmtk) from files of the shared
# corpus (cnn/src/test/resources/medical, see its README for their origin and licences):
#   - transfer syntaxes the corpus lacks: deflated explicit VR LE, JPEG lossless (process 14, SV1 and SV6),
#     JPEG extended 12-bit (process 4; its DCMTK decoding is made by make_jpeg12.py with the other 12-bit files),
#     multi-frame JPEG baseline;
#   - for each compressed file, DCMTK's own decompression to explicit VR LE, the reference the tests
#     compare our decoder with.
# Run from the repository root:  sh tools/golden/medical_dicom_fixtures.sh
set -eu
SRC=cnn/src/test/resources/medical/python3-pydicom
OUT=cnn/src/test/resources/medical-fixtures
mkdir -p "$OUT"
dcmconv +td "$SRC/MR_small.dcm" "$OUT/MR_small_deflated.dcm"
dcmcjpeg +e1 "$SRC/MR_small.dcm" "$OUT/MR_small_jpeg_lossless_sv1.dcm"
dcmcjpeg +el +sv 6 "$SRC/CT_small.dcm" "$OUT/CT_small_jpeg_lossless_sv6.dcm"
dcmcjpeg +ee "$SRC/dicomdirtests/77654033/CR1/6154" "$OUT/CR_jpeg_extended12.dcm"
TMP=$(mktemp)
dcmdrle "$SRC/SC_rgb_rle_2frame.dcm" "$TMP"
dcmcjpeg +eb "$TMP" "$OUT/SC_rgb_2frame_jpeg_baseline.dcm"
rm -f "$TMP"
for f in MR_small_jpeg_lossless_sv1 CT_small_jpeg_lossless_sv6 SC_rgb_2frame_jpeg_baseline; do
  dcmdjpeg "$OUT/$f.dcm" "$OUT/$f.dcmtk-decoded.dcm"
done
ls -l "$OUT"
