package org.imageportal.platform.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Address ranges in CIDR notation (IPv4 and IPv6), as configuration gives them. Plain Java. */
public final class Cidr {

    private Cidr() {
    }

    /** Whether the address (a literal, never a name to resolve) lies in one of the ranges. */
    public static boolean anyContains(List<String> ranges, String address) {
        byte[] candidate = literal(address);
        if (candidate == null) {
            return false;
        }
        for (String range : ranges) {
            if (contains(range.strip(), candidate)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code range} is an IP literal or a network in CIDR notation (address/prefix length). */
    public static boolean valid(String range) {
        if (range == null) {
            return false;
        }
        int slash = range.indexOf('/');
        byte[] network = literal(slash < 0 ? range : range.substring(0, slash));
        if (network == null) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String bits = range.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}")) {
            return false;
        }
        return Integer.parseInt(bits) <= network.length * 8;
    }

    private static boolean contains(String range, byte[] candidate) {
        int slash = range.indexOf('/');
        byte[] network = literal(slash < 0 ? range : range.substring(0, slash));
        if (network == null || network.length != candidate.length) {
            return false;
        }
        int bits;
        try {
            bits = slash < 0 ? network.length * 8 : Integer.parseInt(range.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (bits < 0 || bits > network.length * 8) {
            return false;
        }
        for (int i = 0; i < network.length; i++) {
            int keep = Math.min(8, Math.max(0, bits - i * 8));
            int mask = keep == 0 ? 0 : 0xff << (8 - keep) & 0xff;
            if ((network[i] & mask) != (candidate[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of an IP literal; null for anything else (no name is ever looked up). */
    private static byte[] literal(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9A-Fa-f:.%]+")) {
            return null;
        }
        String bare = text.startsWith("[") ? text.substring(1, text.length() - 1) : text;
        int zone = bare.indexOf('%');
        try {
            return InetAddress.getByName(zone < 0 ? bare : bare.substring(0, zone)).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
