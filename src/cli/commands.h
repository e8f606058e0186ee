// The dispotify commands; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace dispotify::cli {

int run_serve(const std::vector<std::string>& args);
int run_import(const std::vector<std::string>& args);
int run_cluster(const std::vector<std::string>& args);
int run_probe(const std::vector<std::string>& args);
int run_version(const std::vector<std::string>& args);
int run_main(int argc, char** argv);

}  // namespace dispotify::cli
