// Lower-case hexadecimal text of bytes and back: blob hashes, certificate
// serials, sealed secrets in JSON, Subsonic's enc: passwords.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dispotify {

std::string to_hex(std::span<const unsigned char> bytes);
std::string to_hex(std::string_view bytes);
// Two digits: the fan-out directory of a blob.
std::string hex_byte(uint8_t byte);
// The bytes, or nullopt for an odd length or a character that is not a hex
// digit (either case accepted).
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace dispotify
