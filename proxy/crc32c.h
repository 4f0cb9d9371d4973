// CRC-32C (Castagnoli), the checksum of every record in the embedded store's log. The SSE4.2 crc32
// instruction computes it, three streams at once, when the processor has one (start-up checks the
// whole log, so this speed matters; docs/embedded-store.md has the figure); a table-driven version
// serves the others.
#pragma once
#include <cstddef>
#include <cstdint>

namespace polylens {

// Extends `crc` (0 to start) over `size` bytes. crc32c("123456789") == 0xE3069283.
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

// The portable version, always table-driven: tests compare the two.
std::uint32_t crc32c_portable(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace polylens
