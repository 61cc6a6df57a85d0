/**
 * The CSIT chain: a generator switch port, VM 1, ..., VM n, a sink switch port, with the packets counted
 * at both ends ({@link io.qemureactor.core.datapath.Chain}; docs/datapath.md).
 */
package io.qemureactor.core.datapath;
