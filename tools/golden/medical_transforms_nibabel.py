"""Reference resampling and reorientation for org.vesalius.medical.transforms (Spacing, Orientation).

Run from the repository root with Debian's interpreter (python3-nibabel, python3-scipy, python3-numpy):
    /usr/bin/python3 tools/golden/medical_transforms_nibabel.py
Writes cnn/src/test/resources/golden/medical_transforms.json, read by TransformParityTest.

Arrays are stored flattened in Vesalius' tensor order [k][j][i] (numpy's order='F' of nibabel's
[i, j, k] array), affines as 4x4 RAS row lists.

- spacing_*: an oblique, anisotropic volume resampled to a new voxel size the way MONAI's Spacing does
  (direction and origin kept, n' = round((n - 1) * s / s') + 1 voxels), evaluated by
  nibabel.processing.resample_from_to (scipy.ndimage.affine_transform underneath) with order=1 and
  mode='nearest' (the edge value outside, Vesalius' BORDER padding) for the image, order=0 for the
  label. Target spacings are chosen so that no nearest-neighbour position falls on a tie.
- orientation_*: a permuted, mirrored, slightly oblique volume put into RAS and into LPI with nibabel's
  io_orientation / ornt_transform / apply_orientation / inv_ornt_aff.
"""
import json
import math
import os

import nibabel as nib
import numpy as np
from nibabel import orientations
from nibabel.processing import resample_from_to

OUT = "cnn/src/test/resources/golden/medical_transforms.json"


def flat(arr):
    return [float(x) for x in np.asarray(arr).ravel(order="F")]


def rotation_z(deg):
    t = math.radians(deg)
    return np.array([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0], [0, 0, 1]])


def spacing_case(rng):
    shape = (7, 6, 5)
    spacing = np.array([1.5, 2.0, 3.0])
    direction = rotation_z(20)
    affine = np.eye(4)
    affine[:3, :3] = direction @ np.diag(spacing)
    affine[:3, 3] = [-10.0, 5.0, 3.0]
    image = rng.rand(*shape) * 100
    label = rng.randint(0, 4, size=shape).astype(np.float64)
    target = np.array([1.1, 1.3, 1.7])
    out_shape = tuple(int(np.round((n - 1) * s / t)) + 1 for n, s, t in zip(shape, spacing, target))
    ratio = target / spacing
    for a in range(3):
        for p in range(out_shape[a]):
            frac = (p * ratio[a]) % 1.0
            assert abs(frac - 0.5) > 1e-6, ("tie on axis", a, p)
    out_affine = np.eye(4)
    out_affine[:3, :3] = direction @ np.diag(target)
    out_affine[:3, 3] = affine[:3, 3]
    img = nib.Nifti1Image(image, affine)
    lab = nib.Nifti1Image(label, affine)
    res_img = resample_from_to(img, (out_shape, out_affine), order=1, mode="nearest")
    res_lab = resample_from_to(lab, (out_shape, out_affine), order=0, mode="nearest")
    return {
        "shape": list(shape), "affine": affine.tolist(), "image": flat(image), "label": flat(label),
        "pixdim": target.tolist(), "out_shape": list(out_shape), "out_affine": res_img.affine.tolist(),
        "out_image": flat(res_img.get_fdata()), "out_label": flat(res_lab.get_fdata()),
    }


def orientation_case(rng, codes):
    shape = (4, 5, 3)
    # index axes: i -> posterior, j -> inferior, k -> left (codes "PIL"), tilted 10 degrees about z
    perm = np.array([[0, 0, -1], [-1, 0, 0], [0, -1, 0]], dtype=float)
    direction = rotation_z(10) @ perm
    spacing = np.array([0.9, 1.2, 2.5])
    affine = np.eye(4)
    affine[:3, :3] = direction @ np.diag(spacing)
    affine[:3, 3] = [30.0, -20.0, 12.0]
    data = rng.rand(*shape)
    current = orientations.io_orientation(affine)
    transform = orientations.ornt_transform(current, orientations.axcodes2ornt(codes))
    out = orientations.apply_orientation(data, transform)
    out_affine = affine @ orientations.inv_ornt_aff(transform, shape)
    return {
        "codes_in": "".join(orientations.aff2axcodes(affine)), "codes": codes,
        "shape": list(shape), "affine": affine.tolist(), "image": flat(data),
        "out_shape": list(out.shape), "out_affine": out_affine.tolist(), "out_image": flat(out),
    }


def main():
    rng = np.random.RandomState(20240521)
    cases = {
        "nibabel": nib.__version__,
        "spacing": spacing_case(rng),
        "orientation_ras": orientation_case(rng, "RAS"),
        "orientation_lpi": orientation_case(rng, "LPI"),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(cases, f)
        f.write("\n")
    print("wrote", OUT, {k: v["out_shape"] for k, v in cases.items() if isinstance(v, dict)})


if __name__ == "__main__":
    main()
