"""nibabel's reading of NIfTI files written by Vesalius (org.vesalius.medical.nifti.Nifti.write).

1. mvn -o -q -pl cnn -am verify -Dtest=NiftiTest -Dsurefire.failIfNoSpecifiedTests=false
   (NiftiTest writes its sample images to cnn/target/nifti-written/; on the first run, before
   nibabel.json exists, create it as '{"float32_oblique.nii": {}, ...}' listing the names)
2. /usr/bin/python3 tools/golden/medical_nifti_nibabel.py   (Debian's python3-nibabel, python3-numpy)

Copies the files to cnn/src/test/resources/medical-fixtures/nifti-written/ and writes nibabel.json there:
per file, what nibabel 5 reads (shape, affine, qform/sform codes, SHA-256 of the stored voxels in file
order, little endian, and the sum of get_fdata()). NiftiTest checks that the writer still produces these
exact bytes and that nibabel's reading equals the image that was written.
"""
import hashlib
import json
import os
import shutil

import nibabel as nib
import numpy as np

SRC = "cnn/target/nifti-written"
DST = "cnn/src/test/resources/medical-fixtures/nifti-written"
NAMES = ["float32_oblique.nii", "uint8_mask.nii.gz", "int32_4d.nii", "float64_v2.nii.gz"]

os.makedirs(DST, exist_ok=True)
out = {}
for name in NAMES:
    shutil.copyfile(os.path.join(SRC, name), os.path.join(DST, name))
    img = nib.load(os.path.join(DST, name))
    raw = np.asarray(img.dataobj.get_unscaled())
    le = raw.astype(raw.dtype.newbyteorder("<"))
    out[name] = {
        "nibabel": nib.__version__,
        "class": type(img).__name__,
        "shape": list(img.shape),
        "dtype": str(img.get_data_dtype()),
        "affine": img.affine.tolist(),
        "qform_code": int(img.header["qform_code"]),
        "sform_code": int(img.header["sform_code"]),
        "qform": img.header.get_qform().tolist(),
        "sha256": hashlib.sha256(le.tobytes(order="F")).hexdigest(),
        "fdata_sum": float(img.get_fdata(dtype=np.float64).sum()),
    }
with open(os.path.join(DST, "nibabel.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
print(json.dumps(out, indent=1)[:2000])
