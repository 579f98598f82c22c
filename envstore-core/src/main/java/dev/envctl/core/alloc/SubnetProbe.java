package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Says whether a subnet is free of the Docker host's own networks, so that automatic subnets skip what Docker
 * would refuse ("Pool overlaps with other one on this address space") or what would cut the host off from a
 * network it reaches. It answers for the moment it is asked. Implementations are thread-safe.
 */
@FunctionalInterface
public interface SubnetProbe {
    /** Every block counts as free: allocation looks only at the store, as for a remote Docker host. */
    SubnetProbe NONE = block -> true;

    /**
     * This host (Linux): a block is free when it overlaps no route of the host's routing table
     * ({@code /proc/net/route}) other than the default route; every Docker bridge network has such a route,
     * with containers or without, and so do the LAN and VPNs. Read at each call. Where there is no
     * {@code /proc/net/route}, every block counts as free.
     */
    SubnetProbe LOCAL = block -> Routes.of(Path.of("/proc/net/route")).stream().noneMatch(block::overlaps);

    boolean isFree(Cidr block);

    /** The destinations of a Linux routing table file, without the default route. */
    final class Routes {
        private Routes() {
        }

        public static List<Cidr> of(Path table) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                return List.of();
            }
            List<Cidr> routes = new ArrayList<>();
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 8) {
                    continue;
                }
                try {
                    // addresses in the kernel's byte order (little-endian on the machines Docker runs on)
                    long destination = Integer.reverseBytes(Integer.parseUnsignedInt(f[1], 16)) & 0xFFFFFFFFL;
                    long mask = Integer.reverseBytes(Integer.parseUnsignedInt(f[7], 16)) & 0xFFFFFFFFL;
                    int prefix = Long.bitCount(mask);
                    if (prefix > 0) {
                        routes.add(new Cidr(destination & mask, prefix));
                    }
                } catch (RuntimeException e) {
                    // not a route line
                }
            }
            return routes;
        }
    }
}
