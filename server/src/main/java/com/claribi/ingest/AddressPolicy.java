package com.claribi.ingest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which addresses and host names the URL fetcher may reach (SPEC §6): no loopback, private,
 * link-local, CGNAT, "this network", multicast, broadcast, reserved, unique-local or unspecified
 * address, in IPv4 or any IPv6 form that embeds IPv4 (mapped, compatible, NAT64, 6to4); no cloud
 * metadata host names. Host literals in legacy numeric forms (decimal, octal, hexadecimal, fewer
 * than four parts) are refused outright because resolvers disagree about what they mean.
 */
final class AddressPolicy {
    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal",
            "metadata.goog",
            "metadata",
            "instance-data",
            "instance-data.ec2.internal",
            "metadata.azure.internal",
            "metadata.platformequinix.com",
            "metadata.tencentyun.com",
            "kubernetes.default",
            "kubernetes.default.svc");

    private AddressPolicy() {}

    /** Why a host name (as written in the URL, without brackets) may not be fetched; empty if it may be resolved. */
    static Optional<String> refuseName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            return Optional.of("the URL has no host");
        }
        if (name.contains("%")) {
            return Optional.of("IPv6 zone identifiers are not allowed");
        }
        if (METADATA_HOSTS.contains(name)
                || name.endsWith(".internal")
                || name.endsWith(".metadata.google.internal")
                || name.endsWith(".svc.cluster.local")) {
            return Optional.of("cloud metadata and internal host names are not allowed");
        }
        if (name.equals("localhost") || name.endsWith(".localhost") || name.endsWith(".local")) {
            return Optional.of("local host names are not allowed");
        }
        if (looksNumeric(name) && !canonicalDottedQuad(name)) {
            return Optional.of("IP addresses must be written as four decimal numbers (such as 93.184.216.34)");
        }
        return Optional.empty();
    }

    /** Why an address may not be connected to; empty if it is a public unicast address. */
    static Optional<String> refuseAddress(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return refuseIpv4(v4.getAddress());
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return Optional.of("scoped IPv6 addresses are not allowed");
        }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible), including :: and ::1
        if (allZero(bytes, 0, 10)
                && ((bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) || (bytes[10] == 0 && bytes[11] == 0))) {
            if (bytes[10] == 0 && allZero(bytes, 0, 16)) {
                return Optional.of("the unspecified address is not allowed");
            }
            if (bytes[10] == 0 && allZero(bytes, 0, 15) && bytes[15] == 1) {
                return Optional.of("loopback addresses are not allowed");
            }
            return refuseIpv4(slice(bytes, 12)).map(reason -> reason + " (IPv4 inside IPv6)");
        }
        // NAT64 well-known prefix 64:ff9b::/96 and local-use 64:ff9b:1::/48
        if (bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b) {
            if (allZero(bytes, 4, 12)) {
                return refuseIpv4(slice(bytes, 12)).map(reason -> reason + " (NAT64)");
            }
            if (bytes[4] == 0 && bytes[5] == 1) {
                return Optional.of("local-use NAT64 addresses are not allowed");
            }
        }
        // 6to4 2002::/16 embeds an IPv4 address in bytes 2..5
        if (bytes[0] == 0x20 && bytes[1] == 0x02) {
            byte[] embedded = {bytes[2], bytes[3], bytes[4], bytes[5]};
            Optional<String> reason = refuseIpv4(embedded);
            if (reason.isPresent()) {
                return reason.map(text -> text + " (6to4)");
            }
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        if ((first & 0xfe) == 0xfc) {
            return Optional.of("unique-local IPv6 addresses (fc00::/7) are not allowed");
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Optional.of("link-local addresses are not allowed");
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return Optional.of("site-local IPv6 addresses are not allowed");
        }
        if (first == 0xff) {
            return Optional.of("multicast addresses are not allowed");
        }
        if (first == 0x20 && second == 0x01 && bytes[2] == 0x0d && bytes[3] == (byte) 0xb8) {
            return Optional.of("documentation addresses are not allowed");
        }
        if (first == 0x01 && allZero(bytes, 1, 8)) {
            return Optional.of("discard-only addresses are not allowed");
        }
        // 2001:0000::/32 Teredo embeds the client's IPv4 address, inverted, in the last four bytes
        if (first == 0x20 && second == 0x01 && bytes[2] == 0 && bytes[3] == 0) {
            byte[] client = {(byte) ~bytes[12], (byte) ~bytes[13], (byte) ~bytes[14], (byte) ~bytes[15]};
            return refuseIpv4(client).map(text -> text + " (Teredo)");
        }
        return Optional.empty();
    }

    private static Optional<String> refuseIpv4(byte[] bytes) {
        int a = bytes[0] & 0xff;
        int b = bytes[1] & 0xff;
        int c = bytes[2] & 0xff;
        int d = bytes[3] & 0xff;
        if (a == 0) {
            return Optional.of("addresses in 0.0.0.0/8 are not allowed");
        }
        if (a == 127) {
            return Optional.of("loopback addresses are not allowed");
        }
        if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168)) {
            return Optional.of("private addresses are not allowed");
        }
        if (a == 169 && b == 254) {
            return Optional.of("link-local addresses (including cloud metadata) are not allowed");
        }
        if (a == 100 && (b & 0xc0) == 64) {
            return Optional.of("carrier-grade NAT addresses (100.64.0.0/10) are not allowed");
        }
        if (a == 192 && b == 0 && (c == 0 || c == 2)) {
            return Optional.of("reserved addresses are not allowed");
        }
        if (a == 198 && (b == 18 || b == 19)) {
            return Optional.of("benchmarking addresses are not allowed");
        }
        if ((a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113)) {
            return Optional.of("documentation addresses are not allowed");
        }
        if (a >= 224 && a <= 239) {
            return Optional.of("multicast addresses are not allowed");
        }
        if (a == 255 && b == 255 && c == 255 && d == 255) {
            return Optional.of("the broadcast address is not allowed");
        }
        if (a >= 240) {
            return Optional.of("reserved addresses are not allowed");
        }
        return Optional.empty();
    }

    /** The address a numeric host literal denotes, or empty when {@code host} is a name. */
    static Optional<InetAddress> literal(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            if (name.contains(":")) {
                return Optional.of(InetAddress.getByName("[" + name + "]"));
            }
            if (canonicalDottedQuad(name)) {
                return Optional.of(InetAddress.getByName(name));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean looksNumeric(String name) {
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        String last = labels[labels.length - 1];
        // a name whose last label is all digits or hex (0x..) is an address literal to every resolver
        return last.matches("(0x[0-9a-f]*|[0-9]+)")
                || name.matches("[0-9.]+")
                || name.matches("(0x[0-9a-f]+|[0-9]+)(\\.(0x[0-9a-f]+|[0-9]+))*");
    }

    private static boolean canonicalDottedQuad(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int index = from; index < to; index++) {
            if (bytes[index] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] bytes, int from) {
        return new byte[] {bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3]};
    }
}
