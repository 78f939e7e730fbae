/**
 * Datasets of medical images for {@link org.vesalius.data.DataLoader}: 2-D slices of a volume
 * ({@link org.vesalius.medical.data.SliceDataset}) and random patches of volumes
 * ({@link org.vesalius.medical.data.PatchDataset}), each passed through
 * {@link org.vesalius.medical.transforms.Transform}s seeded by the loader.
 */
package org.vesalius.medical.data;
