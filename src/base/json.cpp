// Boost.JSON, compiled once for the whole program (header-only mode): every
// other translation unit includes <boost/json.hpp> and links against this one.
#include <boost/json/src.hpp>
