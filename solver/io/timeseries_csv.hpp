#pragma once
/// Time series as CSV (timeseries.csv): one header row, then one row per sample, every number
/// written so that parsing it gives back the same double.
#include <string>
#include <vector>

namespace kelvin {

/// CSV text with a header row and one line per row ("\n" line ends). Numbers use the shortest
/// representation that round-trips exactly ("0.1", "300", "1e-05"); NaN and infinities are
/// written "nan", "inf" and "-inf", which Python, pandas and NumPy read back. Header names
/// holding a comma, quote or line break are quoted (RFC 4180). Values are in whatever units
/// the header names say. Throws std::runtime_error when the header is empty or a row's length
/// differs from the header's.
std::string format_csv(const std::vector<std::string>& header,
                       const std::vector<std::vector<double>>& rows);

}  // namespace kelvin
