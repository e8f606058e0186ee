// What a normal Raft entry holds: one catalog command and the id of the
// client request that proposed it (docs/formats/raft_entries.md).
//
// Layout: "D1" magic+version, u8 length of request_id, request_id bytes,
// then the command's JSON (docs/formats/catalog_commands.md) to the end.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "catalog/catalog.h"
#include "catalog/command.h"

namespace dispotify::cluster {

inline constexpr size_t kRequestIdBytesMax = catalog::Catalog::kRequestIdBytesMax;

struct CatalogEntry {
  std::string request_id;  // "" when the proposer gave none
  catalog::Command command;
};

std::string encode_catalog_entry(std::string_view request_id, const catalog::Command& command);
[[nodiscard]] Result<CatalogEntry> decode_catalog_entry(std::string_view data);

}  // namespace dispotify::cluster
