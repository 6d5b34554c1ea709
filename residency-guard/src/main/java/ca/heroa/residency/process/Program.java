package ca.heroa.residency.process;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A program the appliance may run, and the Debian package that provides it (named in the error when it is missing). */
public record Program(String name, String debianPackage) {
    // Before the constants below: they are built with it during class initialisation.
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._+-]{0,63}");

    public static final Program NFT = new Program("nft", "nftables");
    public static final Program IP = new Program("ip", "iproute2");
    public static final Program NSENTER = new Program("nsenter", "util-linux");

    public Program {
        requireNonNull(name, "name is null");
        requireNonNull(debianPackage, "debianPackage is null");
        if (!NAME.matcher(name).matches() || !NAME.matcher(debianPackage).matches()) {
            throw new IllegalArgumentException("a program and its package are bare lower-case names");
        }
    }
}
