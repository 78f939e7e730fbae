/**
 * Preprocessing and augmentation of {@link org.vesalius.medical.MedicalImage}s that keep their geometry,
 * MONAI's transforms in Java: a {@link org.vesalius.medical.transforms.Transform} acts on a
 * {@link org.vesalius.medical.transforms.Sample} (image, label and other entries on one grid), draws its
 * random parameters once from a seeded {@link org.vesalius.tensor.Generator}, interpolates images
 * linearly and labels by nearest neighbour, and updates spacing, origin and direction so that every
 * voxel keeps the world position of the anatomy it shows. Per-axis arguments are in voxel index order
 * (i, j, k) = (X, Y, Z), as {@link org.vesalius.medical.MedicalImage#size()}.
 */
package org.vesalius.medical.transforms;
