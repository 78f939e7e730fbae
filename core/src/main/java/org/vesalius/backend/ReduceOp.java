package org.vesalius.backend;

/** Reductions a backend computes over a set of dimensions. */
public enum ReduceOp {
    /** Float inputs accumulate in float64 on the CPU. */
    SUM,
    PROD,
    MAX,
    MIN,
    /** Output bool. */
    ALL,
    /** Output bool. */
    ANY
}
