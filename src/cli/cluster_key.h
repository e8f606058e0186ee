// The cluster key: 32 random bytes in <data-dir>/cluster/secret.key (file
// 0600, directory 0700) that seal secrets the catalog keeps (Subsonic
// passwords, base/secret_box.h). Every node of a cluster needs the same
// key to open what another sealed: the founder makes it here, and a joining
// node receives it sealed in its join answer (cli/cluster_node.cpp), which
// replaces the file; serve loads it again once the node has joined.
#pragma once

#include <string>

#include "base/result.h"
#include "base/secret_box.h"

namespace dispotify::cli {

// The path of the key file under `data_dir`.
std::string cluster_key_path(const std::string& data_dir);

// Reads the key; when the file is missing, creates it (temp file, fsync,
// rename, fsync of the directory). A file of another size, or readable by
// group or others, is an error: a node does not start with a key it
// cannot trust to be its own and private.
[[nodiscard]] Result<SecretKey> load_or_create_cluster_key(const std::string& data_dir);

}  // namespace dispotify::cli
