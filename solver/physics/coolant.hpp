#pragma once
/// Temperature-dependent properties of liquid coolants: water and aqueous propylene-glycol and
/// ethylene-glycol mixtures. make_coolant() collapses the published correlations at one mass
/// fraction into a small, trivially copyable CoolantProperties that kernels take by value and
/// evaluate with a few FMAs per property.
///
/// The evaluation functions do not check the temperature: call check_coolant_temperature() on
/// the host for every temperature that comes from input (out-of-range input is an error, never
/// extrapolated), and use contains() where a kernel must flag cells that leave the range.
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/backend.hpp"

namespace kelvin {

/// Number of polynomial coefficients per property (degree 5 in T - t_base_K).
constexpr int kCoolantTerms = 6;

/// Which correlation a CoolantProperties was built from.
enum class CoolantFluid : int {
  Water,            ///< fit to IAPWS-95 / IAPWS 2008 / IAPWS 2011 (CoolProp HEOS::Water)
  PropyleneGlycol,  ///< Melinder (2010), as CoolProp INCOMP::MPG
  EthyleneGlycol,   ///< Melinder (2010), as CoolProp INCOMP::MEG
  UserDefined,      ///< the user's constant properties or temperature table (make_user_coolant)
};

/// Properties of one coolant at one mass fraction, as polynomials in dT = T - t_base_K [K]:
/// rho, cp, k = sum_i c[i] dT^i and mu = exp(sum_i c[i] dT^i). Plain data (no pointers, no
/// virtuals), so it is copied into kernels by value; build it with make_coolant().
struct CoolantProperties {
  double rho_coeffs[kCoolantTerms];    ///< density [kg/m^3]
  double cp_coeffs[kCoolantTerms];     ///< specific heat [J/kg/K]
  double k_coeffs[kCoolantTerms];      ///< thermal conductivity [W/m/K]
  double ln_mu_coeffs[kCoolantTerms];  ///< ln(dynamic viscosity [Pa s])
  double t_base_K;                     ///< expansion point of every polynomial [K]
  double t_min_K;                      ///< lowest valid temperature: the freezing point [K]
  double t_max_K;                      ///< highest valid temperature [K]
  double mass_fraction;                ///< glycol mass fraction [1]; 0 for water
  CoolantFluid fluid;                  ///< which correlation
  int table_points;                    ///< user-defined: rows of its table (1: constant)
  char name[32];                       ///< short name for messages: "water", "PG25", "EG30"

  /// Horner evaluation of c in dT = T_K - t_base_K.
  KELVIN_HD static double poly(const double (&c)[kCoolantTerms], double dT) {
    double r = c[kCoolantTerms - 1];
    for (int i = kCoolantTerms - 2; i >= 0; --i) r = r * dT + c[i];
    return r;
  }

  /// Density [kg/m^3] at T_K [K].
  KELVIN_HD double density(double T_K) const { return poly(rho_coeffs, T_K - t_base_K); }
  /// Specific heat capacity [J/kg/K] at T_K [K].
  KELVIN_HD double specific_heat(double T_K) const { return poly(cp_coeffs, T_K - t_base_K); }
  /// Thermal conductivity [W/m/K] at T_K [K].
  KELVIN_HD double conductivity(double T_K) const { return poly(k_coeffs, T_K - t_base_K); }
  /// Dynamic viscosity [Pa s] at T_K [K].
  KELVIN_HD double viscosity(double T_K) const { return exp(poly(ln_mu_coeffs, T_K - t_base_K)); }
  /// Prandtl number cp mu / k [1] at T_K [K].
  KELVIN_HD double prandtl(double T_K) const {
    return specific_heat(T_K) * viscosity(T_K) / conductivity(T_K);
  }
  /// Whether T_K lies in the valid range [t_min_K, t_max_K] (false for NaN).
  KELVIN_HD bool contains(double T_K) const { return T_K >= t_min_K && T_K <= t_max_K; }
};

/// An unknown coolant, a mass fraction or temperature outside a correlation's range. what() is
/// one line naming the offending value and the valid range.
struct CoolantError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// A coolant as a user writes it: a canonical fluid name ("water", "propylene_glycol",
/// "ethylene_glycol") and, when the text carried one ("PG25"), its mass fraction.
struct CoolantSpec {
  std::string fluid;                    ///< canonical fluid name
  std::optional<double> mass_fraction;  ///< [1]; empty when the text named the fluid only
};

/// Reads "water", "PG25", "EG30", "MPG 27.5", "PG-25%", "propylene_glycol", "EG", ... (case
/// does not matter; the number is a mass percentage). Fluid aliases: "PG" and "MPG" for
/// propylene glycol, "EG" and "MEG" for ethylene glycol. Throws CoolantError for an unknown fluid
/// or a malformed percentage; the fraction's range is checked by make_coolant().
CoolantSpec parse_coolant(const std::string& text);

/// The properties of fluid (a canonical name or alias, see parse_coolant) at mass_fraction
/// [1]: 0 for water; 0 .. 0.6 for the glycols. Throws CoolantError for an unknown fluid or a
/// fraction outside the correlation's range.
CoolantProperties make_coolant(const std::string& fluid, double mass_fraction);

/// make_coolant for parsed text; a glycol without a fraction ("PG") is a CoolantError.
CoolantProperties make_coolant(const CoolantSpec& spec);

/// Throws CoolantError when T_K [K] is outside the valid range of c, e.g. "inlet temperature
/// 150.0 degC is outside the valid range -9.8 .. 100 degC of PG25 (propylene glycol 25 % by
/// mass)". what names the quantity in the message.
void check_coolant_temperature(const CoolantProperties& c, double T_K, const std::string& what);

/// One line for logs: "propylene glycol 25 % by mass (Melinder 2010), -9.8 .. 100 degC".
std::string describe(const CoolantProperties& c);

/// A coolant the user defines (dielectrics, vendor glycols): constant properties (one value per
/// property, valid over [t_min_K, t_max_K]) or a table (two or more rows, temperatures strictly
/// increasing; the valid range is the table's).
struct UserFluidSpec {
  std::string name;
  std::vector<double> temperature_K;  ///< table temperatures [K]; empty for constant properties
  std::vector<double> density;        ///< [kg/m^3], one value or one per table row
  std::vector<double> specific_heat;  ///< [J/kg/K]
  std::vector<double> conductivity;   ///< [W/m/K]
  std::vector<double> viscosity;      ///< dynamic [Pa s]
  double t_min_K = 0, t_max_K = 0;    ///< constant properties: where they hold
};

/// A user-defined coolant and how closely its polynomials reproduce the table it came from.
struct UserCoolant {
  CoolantProperties properties;
  double max_fit_error = 0;  ///< largest relative deviation at a table row (0: constant)
  std::string worst;         ///< where it is, e.g. "viscosity at 40.0 degC"
};

/// Largest relative deviation make_user_coolant accepts between a table and its fit.
constexpr double kMaxCoolantFitError = 0.01;

/// Builds a user-defined coolant. Constant properties become degree-0 polynomials (ln mu for
/// the viscosity). A table is fitted by least squares with polynomials of degree min(5, rows - 1)
/// in T (ln mu for the viscosity), so kernels evaluate it exactly as the built-in fluids.
/// Throws CoolantError (one line, naming the property and the row) unless: every value is
/// positive and finite, temperatures rise strictly, viscosity falls as temperature rises,
/// density does not rise by more than 0.1 % (water's anomaly below 4 degC is 0.013 %), every
/// fitted value is within kMaxCoolantFitError of its row, and the fitted properties stay
/// positive with a falling viscosity everywhere between the rows.
UserCoolant make_user_coolant(const UserFluidSpec& spec);

}  // namespace kelvin
