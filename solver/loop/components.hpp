#pragma once
/// The passive branch components of a coolant loop and their pressure-loss laws dp(Q). Every law
/// is odd in the signed volumetric flow Q [m^3/s] (positive from a link's `from` node to its `to`
/// node) and monotonically increasing, so the network Newton (gga.hpp) sees a positive slope
/// everywhere and reversed flow needs no special case.
///
/// Kv convention (IEC 60534): Kv [m^3/h] is the flow of water (1000 kg/m^3) at a pressure drop of
/// 1 bar, so dp [bar] = (rho / 1000) (Q [m^3/h] / Kv)^2. In heads this is independent of density:
/// h = dp / (rho g) = 100 (3600 / Kv)^2 Q|Q| / g with Q in m^3/s.
#include <vector>

#include "solver/loop/friction.hpp"

namespace kelvin {

/// Standard gravity [m/s^2]: converts heads [m] to pressures [Pa], dp = rho g h.
constexpr double kStandardGravity = 9.80665;

/// Density and dynamic viscosity of the coolant in one link at its temperature.
struct FluidState {
  double density_kg_m3 = 0;
  double viscosity_Pa_s = 0;
};

/// A straight round pipe: Darcy-Weisbach with a friction factor of friction.hpp.
struct Pipe {
  double length_m = 0;
  double diameter_m = 0;
  double roughness_m = 0;  ///< absolute roughness (drawn copper ~1.5e-6 m, steel ~4.5e-5 m)
  FrictionLaw friction = FrictionLaw::Churchill;
};

/// A fixed minor loss: either a loss coefficient k on the velocity of a diameter (kv == 0), or a
/// flow coefficient kv [m^3/h] (k and diameter unused).
struct MinorLoss {
  double k = 0;           ///< [1], dp = k rho V|V| / 2 with V = Q / (pi d^2 / 4)
  double diameter_m = 0;  ///< diameter the velocity of k refers to
  double kv = 0;          ///< [m^3/h]; when > 0 the loss is a Kv loss
};

/// How a valve's Kv follows its opening.
enum class ValveCharacteristic {
  Linear,           ///< Kv = Kvs * opening
  EqualPercentage,  ///< Kv = Kvs * R^(opening - 1), R the rangeability
};

/// A control or balancing valve: opening [0, 1] -> Kv by its characteristic.
struct Valve {
  double kvs = 0;        ///< Kv fully open [m^3/h]
  double opening = 1.0;  ///< [0, 1]
  ValveCharacteristic characteristic = ValveCharacteristic::Linear;
  double rangeability = 50.0;  ///< R of the equal-percentage characteristic (> 1)
};

/// Fraction of its fully open Kv that a shut valve or quick disconnect still passes: a shut
/// component keeps a finite (tiny) conductance, so the network matrix stays non-singular.
constexpr double kShutKvFraction = 1e-6;

/// A swing check valve: open for forward flow (a Kv loss), shut for reverse flow, where it
/// passes kCheckValveLeakage of the flow it would pass forward at 1 bar (a linear law).
struct CheckValve {
  double kv = 0;  ///< open Kv [m^3/h]
};

/// Reverse flow through a shut check valve at 1 bar, as a fraction of its open flow at 1 bar.
constexpr double kCheckValveLeakage = 1e-9;

/// A quick disconnect coupling pair: a Kv loss; opening < 1 models a half-engaged or damaged
/// coupling (Kv scales linearly with the opening).
struct QuickDisconnect {
  double kv = 0;         ///< [m^3/h] fully engaged
  double opening = 1.0;  ///< [0, 1]
};

/// A cold-plate branch as a lumped law fitted from the plate's own runs: dp = a Q + b Q|Q|.
/// With a reference fluid state (the fit's coolant), the viscous part follows the link's
/// viscosity and the inertial part its density: dp = a (mu / mu_ref) Q + b (rho / rho_ref) Q|Q|.
struct PlateBranch {
  double a_Pa_s_m3 = 0;   ///< linear (laminar, developing-flow) coefficient [Pa s/m^3]
  double b_Pa_s2_m6 = 0;  ///< quadratic (inertial, minor-loss) coefficient [Pa s^2/m^6]
  double reference_viscosity_Pa_s = 0;  ///< mu_ref; 0: a fixed
  double reference_density_kg_m3 = 0;   ///< rho_ref; 0: b fixed
};

/// Pressure loss of a link and its slope d(dp)/dQ at one flow.
struct LossAndSlope {
  double dp_Pa = 0;
  double slope_Pa_s_m3 = 0;
};

/// Loss laws; each takes the signed flow Q [m^3/s] and the link's fluid state.
LossAndSlope pipe_loss(const Pipe& p, double q_m3_s, const FluidState& fluid);
LossAndSlope minor_loss(const MinorLoss& m, double q_m3_s, const FluidState& fluid);
LossAndSlope valve_loss(const Valve& v, double q_m3_s, const FluidState& fluid);
LossAndSlope check_valve_loss(const CheckValve& c, double q_m3_s, const FluidState& fluid);
LossAndSlope quick_disconnect_loss(const QuickDisconnect& c, double q_m3_s,
                                   const FluidState& fluid);
LossAndSlope plate_branch_loss(const PlateBranch& p, double q_m3_s, const FluidState& fluid);

/// Kv [m^3/h] of a valve at its opening, never below kShutKvFraction * kvs.
double valve_kv(const Valve& v);

/// Least-squares fit of dp = a Q + b Q|Q| to a plate's runs (flows [m^3/s], drops [Pa]; two or
/// more runs at distinct non-zero flows). Throws std::invalid_argument otherwise.
PlateBranch fit_plate_branch(const std::vector<double>& flows_m3_s,
                             const std::vector<double>& dps_Pa);

}  // namespace kelvin
