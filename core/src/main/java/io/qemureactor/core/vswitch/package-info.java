/**
 * The host side of the data path: a vSwitch ({@code dpdk-testpmd} as the vhost-user back end) whose
 * ports the VMs' vhost-user NICs connect to, with counters, forwarding control and traffic generation
 * (see docs/datapath.md).
 */
package io.qemureactor.core.vswitch;
