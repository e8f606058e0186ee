#include "cluster/catalog_entry.h"

#include "base/check.h"

namespace dispotify::cluster {
namespace {
constexpr std::string_view kMagic = "D1";
}

std::string encode_catalog_entry(std::string_view request_id, const catalog::Command& command) {
  DISPOTIFY_CHECK(request_id.size() <= kRequestIdBytesMax);
  std::string out(kMagic);
  out += static_cast<char>(request_id.size());
  out += request_id;
  out += catalog::encode_command(command);
  return out;
}

Result<CatalogEntry> decode_catalog_entry(std::string_view data) {
  if (data.size() < kMagic.size() + 1 || data.substr(0, kMagic.size()) != kMagic) {
    return make_error(Errc::invalid_argument, "not a catalog entry (bad magic or version)");
  }
  data.remove_prefix(kMagic.size());
  const auto id_size = static_cast<uint8_t>(data.front());
  data.remove_prefix(1);
  if (id_size > kRequestIdBytesMax || id_size > data.size()) {
    return make_error(Errc::invalid_argument, "catalog entry: bad request id length");
  }
  CatalogEntry entry{std::string(data.substr(0, id_size)), catalog::Noop{}};
  DISPOTIFY_ASSIGN_OR_RETURN(entry.command, catalog::decode_command(data.substr(id_size)));
  return entry;
}

}  // namespace dispotify::cluster
