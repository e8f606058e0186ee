#include "cli/node_identity.h"

#include "base/fs.h"
#include "base/random.h"

namespace dispotify::cli {
namespace {
constexpr size_t kNodeIdHexLength = 16;

bool valid_node_id(const std::string& id) {
  if (id.size() != kNodeIdHexLength) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}
}  // namespace

Result<std::string> load_or_create_node_id(const std::string& data_dir) {
  const std::string path = data_dir + "/node_id";
  auto existing = fs::read_file(path, 64);
  if (existing.ok()) {
    std::string id = *existing;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    if (!valid_node_id(id))
      return make_error(Errc::corrupt, path + " does not hold a node id (16 hex digits)");
    return id;
  }
  if (existing.error().code != Errc::not_found) return std::move(existing).error();
  const std::string id = random_hex(kNodeIdHexLength / 2);
  DISPOTIFY_TRY(fs::write_file_atomic(path, id + "\n"));
  return id;
}

}  // namespace dispotify::cli
