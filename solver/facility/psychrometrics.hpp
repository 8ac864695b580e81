#pragma once
/// Moist-air psychrometrics by the ASHRAE Handbook, Fundamentals 2017 (SI), chapter 1: ideal-gas
/// moist air with Hyland & Wexler's saturation pressures; what the facility models need from
/// the weather (a dry cooler's pad, a tower's inlet air and saturation line).
///
///   saturation pressure p_ws(T) [Pa], T [K] (Hyland & Wexler 1983):
///     over ice,   -100..0 degC (eq. 5): ln p_ws = C1/T + C2 + C3 T + C4 T^2 + C5 T^3 + C6 T^4
///                                                + C7 ln T
///     over water,  0..200 degC (eq. 6): ln p_ws = C8/T + C9 + C10 T + C11 T^2 + C12 T^3
///                                                + C13 ln T
///     (ice below 273.15 K, water from 273.15 K on; the two differ by 0.06 Pa there, 1e-4);
///   humidity ratio (eq. 20, 22): W = 0.621945 p_w / (p - p_w), relative humidity p_w / p_ws(T);
///   dew point (frost point below 0 degC): p_ws(T_d) = p_w solved by Newton on ln p_ws (the
///     exact inverse of eqs. 5 and 6, not the ASHRAE dew-point correlation eqs. 37-38, which
///     is itself a fit to them);
///   wet bulb: the psychrometric equation, above freezing (eq. 33)
///       W = ((2501 - 2.326 t*) W_s* - 1.006 (t - t*)) / (2501 + 1.86 t - 4.186 t*),
///     below (eq. 35, over ice)
///       W = ((2830 - 0.24 t*) W_s* - 1.006 (t - t*)) / (2830 + 1.86 t - 2.1 t*),
///     t, t* in degC, W_s* the saturation humidity ratio at t* (over ice in eq. 35); solved for
///     t* by bisection (W rises with t* on each branch) to 1e-9 K. The two branches disagree at
///     t* = 0: eq. 35 (an iced bulb, latent heat of sublimation) at 0- gives a higher W than
///     eq. 33 (a wet bulb, of evaporation) at 0+, so for W between the two both an ice-bulb
///     root below 0 degC and a water-bulb root above it balance the same air (e.g. 10 degC,
///     5 %, 90 kPa: -0.41 and +0.28 degC). wet_bulb_K takes the ice-bulb root there, the lowest
///     (CoolProp's HAPropsSI mostly does the same; its choice inside the band is its root
///     finder's); wet_bulb_roots_K gives both, for a device whose water stays liquid;
///   enthalpy (eq. 32): h = 1006 t + W (2501e3 + 1860 t) [J/kg dry air], t in degC;
///   specific volume (eq. 26): v = 287.042 T (1 + 1.607858 W) / p [m^3/kg dry air];
///   density (eq. 11): rho = (1 + W) / v [kg/m^3 moist air].
/// These are the ideal-gas relations: no enhancement factor (real-gas CoolProp's W is 0.4-0.6 %
/// higher at 80-101 kPa: tests/oracles/coolprop_humidair.py, README "Facility: psychrometrics and
/// weather").
///
/// Temperatures in K, pressures in Pa, humidity ratios in kg water / kg dry air, relative
/// humidity as a fraction. Every function throws std::invalid_argument naming the input that
/// is outside its range: a temperature outside -100..200 degC (the formulas' range), a relative
/// humidity outside [0, 1], a pressure <= 0, a negative humidity ratio, one above saturation, a
/// wet bulb above the dry bulb, or a vapour pressure at or above the total pressure.

namespace kelvin {

constexpr double kPsychrometricsMin_K = 173.15;         ///< -100 degC, lowest for eq. 5
constexpr double kPsychrometricsMax_K = 473.15;         ///< 200 degC, highest for eq. 6
constexpr double kWaterToAirMolarMassRatio = 0.621945;  ///< M_w / M_da (eq. 22)

/// Saturation pressure of water vapour [Pa] over ice (T < 273.15 K) or liquid water, T [K].
double saturation_vapour_pressure_Pa(double T_K);

/// Humidity ratio W [kg/kg dry air] of moist air at total pressure p whose vapour pressure is
/// p_w (0 <= p_w < p).
double humidity_ratio_from_vapour_pressure(double vapour_pressure_Pa, double pressure_Pa);

/// Vapour pressure p_w = p W / (0.621945 + W) [Pa] of humidity ratio W >= 0 at pressure p.
double vapour_pressure_from_humidity_ratio_Pa(double humidity_ratio, double pressure_Pa);

/// Saturation humidity ratio W_s(T, p); needs p_ws(T) < p.
double saturation_humidity_ratio(double T_K, double pressure_Pa);

/// W from relative humidity rh in [0, 1]: p_w = rh p_ws(T).
double humidity_ratio_from_relative_humidity(double T_K, double relative_humidity,
                                             double pressure_Pa);

/// Relative humidity p_w / p_ws(T) of humidity ratio W (refused above saturation).
double relative_humidity_from_humidity_ratio(double T_K, double humidity_ratio, double pressure_Pa);

/// Dew point [K] (frost point over ice below 273.15 K) of vapour pressure p_w [Pa]: the
/// temperature where p_ws equals p_w; p_w from 0.0014 Pa (-100 degC) to p_ws(200 degC).
double dew_point_from_vapour_pressure_K(double vapour_pressure_Pa);

/// Dew point [K] of air of humidity ratio W at pressure p.
double dew_point_K(double humidity_ratio, double pressure_Pa);

/// W of air at dry bulb T whose thermodynamic wet bulb is T_wb <= T (eqs. 33 and 35).
double humidity_ratio_from_wet_bulb(double T_K, double wet_bulb_K, double pressure_Pa);

/// Thermodynamic wet bulb [K] of air at dry bulb T and humidity ratio W (eq. 33/35 inverted):
/// the ice-bulb root where one exists, the water-bulb root otherwise.
double wet_bulb_K(double T_K, double humidity_ratio, double pressure_Pa);

/// The roots of the psychrometric equation: below 0 degC with an iced bulb (eq. 35) and above
/// with a wet one (eq. 33); NaN where that branch has none. At least one is finite; both are
/// in a band of W where the air's wet bulb is near 0 degC. Saturated air: T on its branch.
struct WetBulbRoots {
  double ice_K;
  double water_K;
};
WetBulbRoots wet_bulb_roots_K(double T_K, double humidity_ratio, double pressure_Pa);

/// Moist-air enthalpy [J/kg dry air] (eq. 32): zero for dry air at 0 degC, liquid water's
/// reference at 0 degC.
double moist_air_enthalpy_J_kg(double T_K, double humidity_ratio);

/// Moist-air specific volume [m^3/kg dry air] (eq. 26).
double moist_air_specific_volume_m3_kg(double T_K, double humidity_ratio, double pressure_Pa);

/// Moist-air density [kg moist air/m^3] (eq. 11).
double moist_air_density_kg_m3(double T_K, double humidity_ratio, double pressure_Pa);

/// One state of moist air, every property consistent with the others.
struct MoistAir {
  double dry_bulb_K = 0;
  double pressure_Pa = 0;
  double humidity_ratio = 0;     ///< W [kg water/kg dry air]
  double relative_humidity = 0;  ///< p_w / p_ws(T) [1]
  double vapour_pressure_Pa = 0;
  double dew_point_K = 0;  ///< frost point below 273.15 K
  double wet_bulb_K = 0;
  double enthalpy_J_kg = 0;          ///< per kg dry air
  double specific_volume_m3_kg = 0;  ///< per kg dry air
  double density_kg_m3 = 0;          ///< moist air
};

/// The state at dry bulb T, relative humidity rh in [0, 1] and pressure p.
MoistAir moist_air_from_relative_humidity(double T_K, double relative_humidity, double pressure_Pa);
/// The state at dry bulb T, humidity ratio W (at most W_s(T)) and pressure p.
MoistAir moist_air_from_humidity_ratio(double T_K, double humidity_ratio, double pressure_Pa);
/// The state at dry bulb T, wet bulb T_wb <= T and pressure p.
MoistAir moist_air_from_wet_bulb(double T_K, double wet_bulb_K, double pressure_Pa);
/// The state at dry bulb T, dew point T_d <= T and pressure p (a weather file's pair).
MoistAir moist_air_from_dew_point(double T_K, double dew_point_K, double pressure_Pa);

}  // namespace kelvin
