// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78), the
// checksum of every record of the Raft log and of every snapshot.
//
// CRC32C rather than CRC32 because x86-64 computes it in hardware (SSE4.2
// `crc32` instruction) and it detects more error patterns on the record
// sizes we write. The hardware path is chosen at run time; both paths give
// identical results (checked by crc32c_test.cpp).
//
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dispotify::raftlog {

// Extends `crc` (the CRC32C of some bytes A) to the CRC32C of A followed by
// `data`. crc32c_extend(0, x) == crc32c(x).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

inline uint32_t crc32c(std::string_view bytes) { return crc32c_extend(0, bytes.data(), bytes.size()); }

// The portable table-driven implementation, exposed so tests can compare it
// with the hardware path on the same input.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t size);

// True when crc32c_extend uses the SSE4.2 instruction on this CPU.
bool crc32c_is_hardware_accelerated();

}  // namespace dispotify::raftlog
