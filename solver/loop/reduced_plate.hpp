#pragma once
/// A cold plate reduced to what a coolant loop needs of it, fitted from the plate's own 3-D runs:
///   junction and HBM resistances to the inlet versus flow,  R(Q) = r0 + c (Q / Q_ref)^-n
///     (r0: conduction through package and plate; c Q^-n: convection and the coolant's rise,
///     n from the fit: ~1/3 for developing laminar flow, 1 for the caloric part 1/(m cp));
///   pressure drop  dp = a Q + b Q|Q|  (components.hpp PlateBranch);
///   the transient response to a power step as two Foster terms,
///     T(t) - T_in = R P (1 - w1 e^{-t/tau1} - w2 e^{-t/tau2}),  w1 + w2 = 1.
/// In a loop the Foster terms keep their capacitances C_k = tau_k / (w_k R(Q_ref)) while their
/// resistances follow the flow, R_k(Q) = w_k R(Q): a plate whose flow stops keeps heating at
/// the rate P / C (bounded), it does not jump to R(0) P.
#include <array>
#include <string>
#include <vector>

#include "solver/loop/components.hpp"

namespace kelvin {

/// R(Q) = r0 + c (Q / q_ref)^-n [K/W]; Q in m^3/s.
struct ResistanceLaw {
  double r0 = 0, c = 0, n = 0, q_ref = 1;
  double operator()(double q_m3_s) const;
};

/// Least-squares fit of R(Q) to (Q_i, R_i) in relative error: for each n on [0.02, 2] the
/// weighted linear problem in (r0, c) with r0, c >= 0 is solved exactly, and n minimises the
/// sum of squared relative errors (golden section after a scan). Needs three or more runs at
/// distinct positive flows; throws std::invalid_argument otherwise.
ResistanceLaw fit_resistance_law(const std::vector<double>& flows_m3_s,
                                 const std::vector<double>& resistances_K_W, double q_ref_m3_s);

/// Normalised step response y(t) = 1 - w1 e^{-t/tau1} - w2 e^{-t/tau2}, w1 + w2 = 1.
struct StepResponse {
  std::array<double, 2> weight{1.0, 0.0};
  std::array<double, 2> tau_s{1.0, 1.0};
  double operator()(double t_s) const;
};

/// Least-squares fit of a StepResponse to samples (t_i, y_i): tau1 < tau2 on a logarithmic grid
/// (40 per decade between the first sample time / 10 and 10 x the last), w1 in [0, 1] by the
/// one-unknown least-squares problem for each pair. Throws std::invalid_argument for fewer than
/// three samples or non-increasing times.
StepResponse fit_step_response(const std::vector<double>& times_s, const std::vector<double>& y);

/// One steady 3-D run of a plate: its coolant flow and inlet temperature, the power put in, the
/// junction and HBM maxima and the inlet-to-outlet pressure drop.
struct PlateRun {
  double flow_m3_s = 0, inlet_K = 0, power_W = 0;
  double junction_K = 0, hbm_K = 0, dp_Pa = 0;
  FluidState fluid{};  ///< the coolant at the inlet (density and viscosity; zero: unknown)
};

/// Worst relative errors of a reduced plate against runs.
struct FitErrors {
  double junction = 0, hbm = 0, dp = 0;
};

/// The reduced plate.
struct ReducedPlate {
  ResistanceLaw junction, hbm;  ///< hbm: all zero without HBM
  bool has_hbm = false;
  PlateBranch dp_law;
  StepResponse junction_response, hbm_response;
  double response_error = 0;  ///< worst |y_fit - y| of the junction's step response
  FitErrors fit_error;        ///< against the runs it was fitted to
};

/// Fits the steady laws to runs (three or more flows, one inlet temperature); q_ref is the
/// plate's design flow. When the runs carry their coolant's state, the pressure-drop law takes
/// the first run's as its reference (PlateBranch), so it follows viscosity and density.
ReducedPlate fit_reduced_plate(const std::vector<PlateRun>& runs, bool has_hbm,
                               double q_ref_m3_s);

/// Relative errors of p's steady laws against runs (fitted or held out).
FitErrors reduced_plate_errors(const ReducedPlate& p, const std::vector<PlateRun>& runs);

/// The transient state of one plate: the temperature rise of each Foster term above the inlet.
struct PlateThermalState {
  std::array<double, 2> junction{0, 0}, hbm{0, 0};
};

/// Advances s over dt at power P [W] and flow Q [m^3/s], both held: each term
///   theta <- R_k P + (theta - R_k P) e^{-dt / (R_k C_k)},  R_k = w_k R(Q), C_k = tau_k/(w_k R(Q_ref))
/// (exact for constant P and Q).
void advance_plate(const ReducedPlate& p, PlateThermalState& s, double power_W, double flow_m3_s,
                   double dt_s);

/// Junction and HBM temperatures of s above an inlet at inlet_K [K].
double plate_junction_K(const PlateThermalState& s, double inlet_K);
double plate_hbm_K(const PlateThermalState& s, double inlet_K);

/// The steady state of s at power P and flow Q (each term at R_k P).
PlateThermalState steady_plate_state(const ReducedPlate& p, double power_W, double flow_m3_s);

}  // namespace kelvin
