#!/bin/sh
# Regenerates the float64 kernels from their float32 sources: PoolKernelsF32.java -> PoolKernelsF64.java, ...
# The float32 file is the one to edit. Accumulators that must be double in both are written as
# `double` in the float32 source and stay as they are.
# Run from anywhere: sh backend-cpu/src/main/scripts/generate-f64.sh
set -eu
dir="$(cd "$(dirname "$0")/../java/org/vesalius/backend/cpu" && pwd)"
for src in "$dir"/*KernelsF32.java; do
    dst="${src%F32.java}F64.java"
    perl -pe '
        s/\bfloat\b/double/g;
        s/\bFloat\b/Double/g;
        s/FloatBuffer/DoubleBuffer/g;
        s/Float32/Float64/g;
        s/float32/float64/g;
        s/F32\b/F64/g;
        s/NnScratch\.floats\(/NnScratch.doubles(/g;
        s/\{\@code (\w+)F64\} is generated from this file by (\{\@code [^}]*\}); edit this one and regenerate\./Generated from {\@code $1F32} by $2: edit that file and regenerate, not this one./;
    ' "$src" > "$dst"
    echo "wrote $dst"
done
