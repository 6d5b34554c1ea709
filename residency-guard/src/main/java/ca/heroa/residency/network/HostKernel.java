package ca.heroa.residency.network;

/** The host settings task networks depend on, behind an interface so unit tests need no root. */
interface HostKernel {
    /** @throws TaskNetworkException when the appliance cannot manage namespaces, links and nftables */
    void requirePrivileges();

    /** Turns on IPv4 and IPv6 forwarding, which task links to the outside need. */
    void enableForwarding();
}
