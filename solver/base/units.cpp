#include "solver/base/units.hpp"

#include <udunits2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <mutex>
#include <system_error>

#if defined(__SANITIZE_ADDRESS__)
#  define KELVIN_HAS_ASAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define KELVIN_HAS_ASAN 1
#  endif
#endif
#ifdef KELVIN_HAS_ASAN
#  include <sanitizer/lsan_interface.h>
#endif

namespace kelvin {
namespace {

struct DimensionInfo {
  const char* si;
  const char* name;
  const char* examples;
};

DimensionInfo info(Dimension d) {
  switch (d) {
    case Dimension::Length: return {"m", "a length", "m or mm"};
    case Dimension::Temperature: return {"K", "a temperature", "K or degC"};
    case Dimension::TemperatureDifference: return {"K", "a temperature difference", "K"};
    case Dimension::Power: return {"W", "a power", "W or kW"};
    case Dimension::PowerDensity: return {"W/m^3", "a power density", "W/m^3 or W/mm^3"};
    case Dimension::HeatFlux: return {"W/m^2", "a heat flux", "W/m^2 or W/cm^2"};
    case Dimension::HeatTransferCoefficient:
      return {"W/m^2/K", "a heat transfer coefficient", "W/m^2/K"};
    case Dimension::Conductivity: return {"W/m/K", "a thermal conductivity", "W/m/K"};
    case Dimension::Density: return {"kg/m^3", "a density", "kg/m^3 or g/cm^3"};
    case Dimension::SpecificHeat: return {"J/kg/K", "a specific heat", "J/kg/K"};
    case Dimension::ContactResistance:
      return {"K*m^2/W", "a contact resistance", "K*m^2/W or K*mm^2/W"};
    case Dimension::Time: return {"s", "a time", "s or ms"};
    case Dimension::Dimensionless: return {"1", "a dimensionless number", "1 or %"};
    case Dimension::VolumeFlowRate: return {"m^3/s", "a volume flow rate", "m^3/s or L/min"};
    case Dimension::Pressure: return {"Pa", "a pressure", "Pa, kPa or bar"};
    case Dimension::Frequency: return {"Hz", "a frequency", "MHz or GHz"};
    case Dimension::InverseTemperature: return {"K-1", "a temperature coefficient", "K-1 (per kelvin)"};
    case Dimension::DynamicViscosity: return {"Pa*s", "a dynamic viscosity", "Pa*s, mPa*s or centipoise (cP is not a symbol udunits2 knows)"};
    case Dimension::ThermalResistance: return {"K/W", "a thermal resistance", "K/W"};
  }
  return {"1", "a quantity", "SI units"};
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Length of the decimal number at the start of s (sign, digits, fraction, exponent), 0 if none.
/// Written by hand rather than with strtod so "inf", "nan", "0x1p3" and locale commas are not
/// numbers, and so "2e" in "2 eV" is not half an exponent.
std::size_t scan_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) ++j;
      i = j;
    }
  }
  return i;
}

/// Converts the characters scan_number accepted. from_chars takes no leading '+'.
std::optional<double> convert_number(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool starts_with_non_finite_word(std::string_view s) {
  std::string lower;
  for (char c : s.substr(0, 5)) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (const char* w : {"nan", "inf", ".nan", ".inf", "-inf", "+inf", "-.inf", "+.inf"})
    if (lower.rfind(w, 0) == 0) return true;
  return false;
}

/// The udunits2 unit system, loaded once. udunits2's parser keeps global state, so every call
/// into the library goes through lock().
class UnitSystem {
 public:
  static UnitSystem& get() {
    static UnitSystem instance;  // thread-safe initialisation (C++11 magic statics)
    return instance;
  }
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(m_mutex); }
  ut_system* system() const { return m_system; }

 private:
  UnitSystem() {
    // udunits2 prints every parse failure and database warning to stderr; we report our own.
    ut_set_error_message_handler(ut_ignore);
    m_system = ut_read_xml(nullptr);
  }
  ~UnitSystem() {
    if (m_system) ut_free_system(m_system);
  }
  ut_system* m_system = nullptr;
  std::mutex m_mutex;
};

struct UnitDeleter {
  void operator()(ut_unit* u) const { ut_free(u); }
};
struct ConverterDeleter {
  void operator()(cv_converter* c) const { cv_free(c); }
};
using UnitPtr = std::unique_ptr<ut_unit, UnitDeleter>;
using ConverterPtr = std::unique_ptr<cv_converter, ConverterDeleter>;

/// ut_parse(), with LeakSanitizer looking away: udunits2's flex scanner strdup()s identifiers
/// and drops them when a later parse fails, a few bytes per bad unit. That is not ours to fix,
/// and would fail the sanitizer build's tests and the fuzzer.
ut_unit* parse_unit(ut_system* system, const std::string& text) {
#ifdef KELVIN_HAS_ASAN
  __lsan::ScopedDisabler leaks_here_belong_to_udunits2;
#endif
  return ut_parse(system, text.c_str(), UT_UTF8);
}

}  // namespace

const char* si_unit(Dimension d) { return info(d).si; }
const char* dimension_name(Dimension d) { return info(d).name; }
const char* example_units(Dimension d) { return info(d).examples; }

std::optional<double> parse_number(std::string_view text) {
  const auto t = trim(text);
  const auto n = scan_number(t);
  if (n == 0 || n != t.size()) return std::nullopt;
  return convert_number(t);
}

double to_si(const std::string& text, Dimension d) {
  const auto t = trim(text);
  if (t.empty()) throw UnitError("expected a number with an optional unit, got nothing");
  const auto n = scan_number(t);
  if (n == 0) {
    if (starts_with_non_finite_word(t))
      throw UnitError(quoted(t) + " is not a finite number");
    throw UnitError("expected a number with an optional unit (like \"1.5 " +
                    std::string(info(d).si) + "\"), got " + quoted(t));
  }
  const auto value = convert_number(t.substr(0, n));
  if (!value) throw UnitError("the number in " + quoted(t) + " is out of range");
  const auto unit = trim(t.substr(n));
  if (unit.empty()) return *value;  // bare numbers are SI by definition
  // udunits2 reads "2 3 mm" as 6 mm; a second number here is a typo, not a product.
  if (is_digit(unit[0]) || unit[0] == '.' || unit[0] == '+' || unit[0] == '-' || unit[0] == ',')
    throw UnitError("expected one number followed by a unit, got " + quoted(t));

  auto& units = UnitSystem::get();
  const auto guard = units.lock();
  if (!units.system())
    throw UnitError("cannot load the udunits2 unit database (set UDUNITS2_XML_PATH to "
                    "udunits2.xml) to convert " + quoted(t));
  const std::string utext(unit);
  // c_str() would silently cut the unit at an embedded NUL ("m\0x" would read as "m").
  UnitPtr from(utext.find('\0') == std::string::npos ? parse_unit(units.system(), utext)
                                                     : nullptr);
  if (!from) throw UnitError("unknown unit " + quoted(unit) + " in " + quoted(t));
  UnitPtr to(parse_unit(units.system(), info(d).si));
  if (!to) throw UnitError("internal error: cannot parse SI unit " + quoted(info(d).si));
  if (!ut_are_convertible(from.get(), to.get()))
    throw UnitError("cannot convert " + quoted(t) + " to " + info(d).name +
                    " (expected a unit like " + info(d).examples + ")");
  ConverterPtr conv(ut_get_converter(from.get(), to.get()));
  if (!conv) throw UnitError("cannot convert " + quoted(t) + " to " + info(d).si);

  double si = 0;
  if (d == Dimension::Temperature) {
    si = cv_convert_double(conv.get(), *value);  // absolute: applies the degC/degF offset
  } else {
    // A difference: drop any offset (1 degC of temperature difference is 1 K), and refuse
    // non-linear units (udunits2 has logarithmic ones) whose "scale" means nothing here.
    const double zero = cv_convert_double(conv.get(), 0.0);
    const double scale = cv_convert_double(conv.get(), 1.0) - zero;
    si = cv_convert_double(conv.get(), *value) - zero;
    const double linear = scale * *value;
    if (!std::isfinite(zero) || !std::isfinite(scale) ||
        std::abs(si - linear) > 1e-9 * std::max(std::abs(si), std::abs(linear)) + 1e-300)
      throw UnitError("unit " + quoted(unit) + " in " + quoted(t) + " is not a linear unit");
  }
  if (!std::isfinite(si)) throw UnitError(quoted(t) + " is out of range in SI units");
  return si;
}

}  // namespace kelvin
