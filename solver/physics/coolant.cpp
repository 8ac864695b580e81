#include "solver/physics/coolant.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "solver/base/units.hpp"

namespace kelvin {

static_assert(std::is_trivially_copyable_v<CoolantProperties>,
              "CoolantProperties is copied into kernels by value");

namespace {

constexpr double kZeroCelsius_K = 273.15;

// ---- Aqueous glycols: Melinder (2010) --------------------------------------------------------
//
// Å. Melinder, "Properties of Secondary Working Fluids for Indirect Systems", IIR 2010. Each
// property is
//     P(x, T) = sum over 18 terms of c * (100 x - x_base)^i * (T - T_base)^j
// with x the glycol mass fraction (the fit works in mass %), T in degC, and the columns
//     freezing point [degC], density [kg/m^3], specific heat [J/kg/K], conductivity [W/m/K],
//     ln(viscosity [mPa s]).
// The freezing point uses the j = 0 terms only. Coefficients, T_base and x_base as CoolProp
// transcribes them: CoolProp/CoolProp, dev/incompressible_liquids/CPIncomp/MelinderFluids.py
// (classes PGSolution -> INCOMP::MPG and EGSolution -> INCOMP::MEG); the term order and the
// freezing-point and viscosity conventions follow setMelinderMatrix() in CPIncomp/DataObjects.py.
// Valid ranges as CoolProp: mass fraction 0 .. 0.6, temperature from the freezing point to
// 100 degC.

constexpr int kMelinderTerms = 18;
constexpr int kMelinderColumns = 5;
enum MelinderColumn { kFreeze = 0, kRho = 1, kCp = 2, kK = 3, kLnMu = 4 };

// Exponents (i of x - x_base, j of T - T_base) of the 18 rows, in Melinder's order.
constexpr int kMelinderI[kMelinderTerms] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5};
constexpr int kMelinderJ[kMelinderTerms] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 0, 1, 0};

struct MelinderFit {
  double t_base_C;
  double x_base_percent;
  double x_max;
  double t_max_C;
  double c[kMelinderTerms][kMelinderColumns];
};

constexpr MelinderFit kPropyleneGlycol = {
    32.7083,
    30.7031,
    0.6,
    100.0,
    {{-13.25, 1018, 3882, 0.4513, 0.6837},
     {-3.82e-05, -0.5406, 2.699, 0.0007955, -0.03045},
     {7.865e-07, -0.002666, -0.001659, 3.482e-08, 0.0002525},
     {-1.733e-09, 1.347e-05, -1.032e-05, -5.966e-09, -1.399e-06},
     {-0.6631, 0.7604, -13.04, -0.004795, 0.03328},
     {6.774e-06, -0.00945, 0.0507, -1.678e-05, -0.0003984},
     {-6.242e-08, 5.541e-05, -4.752e-05, 8.941e-08, 4.332e-06},
     {-7.819e-10, -1.343e-07, 1.522e-06, 1.493e-10, -1.86e-08},
     {-0.01094, -0.002498, -0.1598, 2.076e-05, 5.453e-05},
     {5.332e-08, 2.7e-05, 9.534e-05, 1.563e-07, -8.6e-08},
     {-4.169e-09, -4.018e-07, 1.167e-05, -4.615e-09, -1.593e-08},
     {3.288e-11, 3.376e-09, -4.87e-08, 9.897e-12, -4.465e-11},
     {-0.0002283, -0.000155, 0.0003539, -9.083e-08, -3.9e-06},
     {-1.131e-08, 2.829e-06, 3.102e-05, -2.518e-09, 1.054e-07},
     {1.918e-10, -7.175e-09, -2.95e-07, 6.543e-11, -1.589e-09},
     {-3.409e-06, -1.131e-06, 5e-05, -5.952e-10, -1.587e-08},
     {8.035e-11, -2.221e-08, -7.135e-07, -3.605e-11, 4.475e-10},
     {1.465e-08, 2.342e-08, -4.959e-07, 2.104e-11, 3.564e-09}}};

constexpr MelinderFit kEthyleneGlycol = {
    31.728,
    30.8462,
    0.6,
    100.0,
    {{-15.25, 1034, 3737, 0.472, 0.4705},
     {-1.566e-06, -0.4781, 2.93, 0.0008903, -0.0255},
     {-2.278e-07, -0.002692, -0.004675, -1.058e-06, 0.0001782},
     {2.169e-09, 4.725e-06, -1.389e-05, -2.789e-09, -7.669e-07},
     {-0.808, 1.311, -17.99, -0.004286, 0.02471},
     {-1.339e-06, -0.006876, 0.1046, -1.473e-05, -0.0001171},
     {2.047e-08, 4.805e-05, -0.0004147, 1.059e-07, 1.052e-06},
     {-2.717e-11, 1.69e-08, 1.847e-07, -1.142e-10, -1.634e-08},
     {-0.01334, 7.49e-05, -0.09933, 1.747e-05, 3.328e-06},
     {6.322e-08, 7.855e-05, 0.0003516, 6.814e-08, 1.086e-06},
     {2.373e-10, -3.995e-07, 5.109e-06, -3.612e-09, 1.051e-08},
     {-2.183e-12, 4.982e-09, -7.138e-08, 2.365e-12, -6.475e-10},
     {-7.293e-05, -0.0001062, 0.00261, 3.017e-08, 1.659e-06},
     {1.764e-09, 1.229e-06, -1.189e-06, -2.412e-09, 3.157e-09},
     {-2.442e-11, -1.153e-08, -1.643e-07, 4.004e-11, 4.063e-10},
     {1.006e-06, -9.623e-07, 1.537e-05, -1.322e-09, 3.089e-08},
     {-7.662e-11, -7.211e-08, -4.272e-07, 2.555e-11, 1.831e-10},
     {1.14e-09, 4.891e-08, -1.618e-06, 2.678e-11, -1.865e-09}}};

/// Collapses column col of fit at mass fraction x into coefficients of (T - T_base)^j.
void collapse(const MelinderFit& fit, int col, double x, double (&out)[kCoolantTerms]) {
  std::fill(std::begin(out), std::end(out), 0.0);
  const double dx = 100.0 * x - fit.x_base_percent;
  for (int n = 0; n < kMelinderTerms; ++n)
    out[kMelinderJ[n]] += fit.c[n][col] * std::pow(dx, kMelinderI[n]);
}

CoolantProperties make_glycol(CoolantFluid fluid, const MelinderFit& fit, double x) {
  CoolantProperties c{};
  c.fluid = fluid;
  c.mass_fraction = x;
  c.t_base_K = fit.t_base_C + kZeroCelsius_K;
  collapse(fit, kRho, x, c.rho_coeffs);
  collapse(fit, kCp, x, c.cp_coeffs);
  collapse(fit, kK, x, c.k_coeffs);
  collapse(fit, kLnMu, x, c.ln_mu_coeffs);
  c.ln_mu_coeffs[0] -= std::log(1000.0);  // mPa s -> Pa s
  double freeze[kCoolantTerms];
  collapse(fit, kFreeze, x, freeze);
  c.t_min_K = freeze[0] + kZeroCelsius_K;
  c.t_max_K = fit.t_max_C + kZeroCelsius_K;
  return c;
}

// ---- Water --------------------------------------------------------------------------------
//
// Least-squares fits, degree 5 in T - 323.15 K over 0 .. 100 degC, to liquid water at 0.2 MPa
// from CoolProp HEOS::Water: IAPWS-95 (Wagner & Pruss 2002) for density and specific heat,
// IAPWS 2008 (Huber et al. 2009) for viscosity, IAPWS 2011 (Huber et al. 2012) for conductivity.
// Generated by tests/oracles/coolprop_coolants.py --fit-water; maximum relative errors
// 1.4e-5 (rho), 1.2e-4 (cp), 1.2e-4 (k), 6.4e-4 (mu). CoolProp's own INCOMP::Water fit spans
// 0 .. 200 degC and is up to 1.8 % off IAPWS near 0 degC, too coarse for this range.
// The range stops at 0 degC (freezing) and 100 degC (boiling at one atmosphere).

CoolantProperties make_water() {
  CoolantProperties c{};
  c.fluid = CoolantFluid::Water;
  c.mass_fraction = 0.0;
  c.t_base_K = 323.15;
  c.t_min_K = kZeroCelsius_K;
  c.t_max_K = kZeroCelsius_K + 100.0;
  const double rho[kCoolantTerms] = {988.07491701317406,      -0.45219903008838608,
                                     -0.0032523954491837778,  1.2256116752036871e-05,
                                     -1.2619296876903441e-07, 1.0432000263627117e-09};
  const double cp[kCoolantTerms] = {4181.2214101931422,     0.27978509575220389,
                                    0.0073526929066990172,  -4.3184791799778364e-05,
                                    2.7514502186076761e-06, -3.2712957611855109e-08};
  const double k[kCoolantTerms] = {0.64065564606973124,     0.0011238064554194174,
                                   -8.614352418987172e-06,  2.3927729643517079e-08,
                                   -4.1088387656455436e-10, 5.0582810509625098e-12};
  const double ln_mu[kCoolantTerms] = {-7.5117534914377568,    -0.016791398546206659,
                                       8.9733617652852844e-05, -5.4840910289610622e-07,
                                       5.9297275492586898e-09, -5.4136729781377915e-11};
  std::copy(std::begin(rho), std::end(rho), c.rho_coeffs);
  std::copy(std::begin(cp), std::end(cp), c.cp_coeffs);
  std::copy(std::begin(k), std::end(k), c.k_coeffs);
  std::copy(std::begin(ln_mu), std::end(ln_mu), c.ln_mu_coeffs);
  return c;
}

// ---- Names and messages -------------------------------------------------------------------

constexpr const char* kValidFluids =
    "water, propylene_glycol (PG, MPG), ethylene_glycol (EG, MEG), optionally with a mass "
    "percentage as in PG25 or EG30";

/// "%g" of v: shortest readable form of a fraction or percentage (0.25, 27.5, 1e-05).
std::string fmt_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// v with `decimals` decimals, trailing zeros dropped down to min_decimals ("100", "150.0").
std::string fmt_fixed(double v, int decimals, int min_decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  const auto dot = s.find('.');
  if (dot != std::string::npos) {
    std::size_t keep = s.size();
    while (keep > dot + 1 + min_decimals && s[keep - 1] == '0') --keep;
    if (keep == dot + 1) --keep;  // no decimals left: drop the dot
    s.resize(keep);
  }
  if (s == "-0") s = "0";
  return s;
}

/// Temperature [K] as degC with one decimal, or two where one would round to zero.
std::string fmt_celsius(double T_K) {
  const double t = T_K - kZeroCelsius_K;
  const std::string s = fmt_fixed(t, 1, 0);
  return (s == "0" && t != 0.0) ? fmt_fixed(t, 2, 0) : s;
}

/// Lower case, with spaces and hyphens read as underscores.
std::string normalized(std::string s) {
  for (char& ch : s) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (ch == ' ' || ch == '-') ch = '_';
  }
  return s;
}

/// The canonical fluid name for a name or alias, or "" if unknown.
std::string canonical_fluid(const std::string& name) {
  const std::string n = normalized(name);
  if (n == "water") return "water";
  if (n == "propylene_glycol" || n == "pg" || n == "mpg") return "propylene_glycol";
  if (n == "ethylene_glycol" || n == "eg" || n == "meg") return "ethylene_glycol";
  return "";
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

const char* long_fluid_name(CoolantFluid f) {
  switch (f) {
    case CoolantFluid::Water:
      return "water";
    case CoolantFluid::PropyleneGlycol:
      return "propylene glycol";
    case CoolantFluid::EthyleneGlycol:
      return "ethylene glycol";
    case CoolantFluid::UserDefined:
      return "user-defined";
  }
  return "?";
}

/// "PG25 (propylene glycol 25 % by mass)" or "water".
std::string named(const CoolantProperties& c) {
  if (c.fluid == CoolantFluid::Water) return c.name;
  if (c.fluid == CoolantFluid::UserDefined) return std::string(c.name) + " (user-defined)";
  return std::string(c.name) + " (" + long_fluid_name(c.fluid) + " " +
         fmt_g(100.0 * c.mass_fraction) + " % by mass)";
}

}  // namespace

CoolantSpec parse_coolant(const std::string& text) {
  const std::string t = trim(text);
  const auto digit = t.find_first_of("0123456789.");
  std::string fluid_part = t.substr(0, digit);
  while (!fluid_part.empty() && std::strchr(" -_", fluid_part.back())) fluid_part.pop_back();

  CoolantSpec spec;
  spec.fluid = canonical_fluid(fluid_part);
  if (spec.fluid.empty())
    throw CoolantError("unknown coolant \"" + text + "\"; valid fluids: " + kValidFluids);
  if (digit != std::string::npos) {
    std::string pct = trim(t.substr(digit));
    if (!pct.empty() && pct.back() == '%') pct.pop_back();
    const auto v = parse_number(pct);
    if (!v)
      throw CoolantError("cannot read the mass percentage in coolant \"" + text +
                         "\"; write it as a number, as in PG25 or EG 27.5");
    spec.mass_fraction = *v / 100.0;
  }
  return spec;
}

CoolantProperties make_coolant(const std::string& fluid, double mass_fraction) {
  const std::string canonical = canonical_fluid(fluid);
  CoolantProperties c{};
  if (canonical == "water") {
    if (mass_fraction != 0.0)
      throw CoolantError("mass fraction " + fmt_g(mass_fraction) +
                         " of water is outside the valid range 0 .. 0: water is pure; use "
                         "propylene_glycol or ethylene_glycol for a mixture");
    c = make_water();
    std::snprintf(c.name, sizeof c.name, "water");
    return c;
  }
  const bool pg = canonical == "propylene_glycol";
  if (!pg && canonical != "ethylene_glycol")
    throw CoolantError("unknown coolant fluid \"" + fluid + "\"; valid fluids: " + kValidFluids);
  const MelinderFit& fit = pg ? kPropyleneGlycol : kEthyleneGlycol;
  if (!(mass_fraction >= 0.0 && mass_fraction <= fit.x_max))
    throw CoolantError("mass fraction " + fmt_g(mass_fraction) + " of " +
                       (pg ? "propylene glycol" : "ethylene glycol") +
                       " is outside the valid range 0 .. " + fmt_g(fit.x_max) +
                       " of the Melinder (2010) correlation");
  c = make_glycol(pg ? CoolantFluid::PropyleneGlycol : CoolantFluid::EthyleneGlycol, fit,
                  mass_fraction);
  std::snprintf(c.name, sizeof c.name, "%s%s", pg ? "PG" : "EG",
                fmt_g(100.0 * mass_fraction).c_str());
  return c;
}

CoolantProperties make_coolant(const CoolantSpec& spec) {
  if (canonical_fluid(spec.fluid) == "water") return make_coolant(spec.fluid, 0.0);
  if (!spec.mass_fraction)
    throw CoolantError(
        "coolant " + spec.fluid + " needs a mass fraction (0 .. 0.6), as in " +
        (canonical_fluid(spec.fluid) == "ethylene_glycol" ? "EG30 (30" : "PG25 (25") +
        " % by mass)");
  return make_coolant(spec.fluid, *spec.mass_fraction);
}

void check_coolant_temperature(const CoolantProperties& c, double T_K, const std::string& what) {
  if (c.contains(T_K)) return;
  // Enough decimals that the value and the limit it crosses read differently.
  const bool below = T_K < c.t_min_K;
  const double limit = below ? c.t_min_K : c.t_max_K;
  int d = 1;
  while (d < 6 && std::isfinite(T_K) &&
         fmt_fixed(T_K - kZeroCelsius_K, d, 0) == fmt_fixed(limit - kZeroCelsius_K, d, 0))
    ++d;
  const std::string lo =
      d == 1 ? fmt_celsius(c.t_min_K) : fmt_fixed(c.t_min_K - kZeroCelsius_K, d, 0);
  const std::string hi =
      d == 1 ? fmt_celsius(c.t_max_K) : fmt_fixed(c.t_max_K - kZeroCelsius_K, d, 0);
  char kelvin_text[48];
  std::snprintf(kelvin_text, sizeof kelvin_text, "%.2f K", T_K);
  const char* why = below ? "below its freezing point"
                          : (std::isnan(T_K) ? "not a number" : "above the correlation's limit");
  throw CoolantError((what.empty() ? std::string("temperature") : what) + " " +
                     fmt_fixed(T_K - kZeroCelsius_K, d, 1) + " degC (" + kelvin_text +
                     ") is outside the valid range " + lo + " .. " + hi + " degC of " + named(c) +
                     ": " + why + "; properties are not extrapolated");
}

std::string describe(const CoolantProperties& c) {
  const std::string range = fmt_celsius(c.t_min_K) + " .. " + fmt_celsius(c.t_max_K) + " degC";
  if (c.fluid == CoolantFluid::Water) return "water (IAPWS fit), " + range;
  if (c.fluid == CoolantFluid::UserDefined)
    return std::string(c.name) +
           (c.table_points > 1
                ? " (user-defined, fitted to a table of " + std::to_string(c.table_points) + " rows), "
                : " (user-defined, constant properties), ") +
           range;
  return std::string(long_fluid_name(c.fluid)) + " " + fmt_g(100.0 * c.mass_fraction) +
         " % by mass (Melinder 2010), " + range;
}

}  // namespace kelvin
