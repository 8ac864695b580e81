#pragma once
/// Effectiveness-NTU relations of two-stream heat exchangers: the closed forms and their
/// inverses, shared by every model that exchanges heat between two streams (the coolant loop's
/// CDU in solver/loop/, the facility's dry coolers and economizers in solver/facility/).
///
/// NTU = UA / C_min, Cr = C_min / C_max, C = m_dot cp [W/K]; Q = epsilon C_min (T_hot,in -
/// T_cold,in) [W]. Sources: Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, tables
/// 11.3 and 11.4; Kays & London, Compact Heat Exchangers (1984).

namespace kelvin {

/// Effectiveness [1] of a counterflow exchanger at ntu >= 0 and cr in [0, 1]:
/// epsilon = (1 - exp(-NTU (1 - Cr))) / (1 - Cr exp(-NTU (1 - Cr))). Within 1e-7 of Cr = 1 the
/// closed form loses digits (0/0), so the Cr = 1 limit NTU / (1 + NTU) is used there.
double counterflow_effectiveness(double ntu, double cr);

/// NTU [1] that gives effectiveness eps in [0, 1) at cr (the inverse of the above):
/// NTU = ln((1 - eps Cr) / (1 - eps)) / (1 - Cr), Cr = 1: eps / (1 - eps).
double counterflow_ntu(double eps, double cr);

/// Crossflow effectiveness [1], ntu >= 0, cr = C_min / C_max in [0, 1]; each tends to the
/// counterflow value's Cr = 0 limit 1 - e^-NTU as cr -> 0 (one fluid at constant temperature).
///
/// Both fluids unmixed, exact (Mason 1954; Kays & London, Compact Heat Exchangers, 1984):
///   epsilon = 1/(Cr NTU) sum_{n>=0} P(n+1, NTU) P(n+1, Cr NTU),
/// P(n+1, x) = 1 - e^-x sum_{m<=n} x^m/m! (the regularised lower incomplete gamma function), summed
/// over n <= NTU + 10 sqrt(NTU) + 30, past which the terms are far below round-off of the sum.
/// ntu <= 700 (e^-NTU must not underflow).
double crossflow_unmixed_effectiveness(double ntu, double cr);

/// Both fluids unmixed, the common approximation (Incropera & DeWitt, table 11.3), within 0.02
/// (absolute) of the exact form for NTU <= 10 (tests/unit_loop_crossflow.cpp):
/// epsilon = 1 - exp[(1/Cr) NTU^0.22 (exp(-Cr NTU^0.78) - 1)].
double crossflow_unmixed_approx_effectiveness(double ntu, double cr);

/// C_max mixed, C_min unmixed (exact): epsilon = (1/Cr) (1 - exp(-Cr (1 - e^-NTU))).
double crossflow_cmax_mixed_effectiveness(double ntu, double cr);

/// C_min mixed, C_max unmixed (exact): epsilon = 1 - exp(-(1/Cr) (1 - e^-(Cr NTU))).
double crossflow_cmin_mixed_effectiveness(double ntu, double cr);

/// The flow arrangements above, for a caller that picks one at run time.
enum class ExchangerArrangement {
  Counterflow,
  CrossflowUnmixed,
  CrossflowUnmixedApprox,
  CrossflowCmaxMixed,
  CrossflowCminMixed,
};

/// Effectiveness [1] of arrangement at ntu and cr (the functions above).
double effectiveness(ExchangerArrangement arrangement, double ntu, double cr);

/// The largest effectiveness [1] arrangement reaches at cr as NTU -> infinity: 1, except
/// C_max mixed (1 - e^-Cr)/Cr and C_min mixed 1 - e^(-1/Cr).
double limiting_effectiveness(ExchangerArrangement arrangement, double cr);

/// NTU [1] at which arrangement reaches effectiveness eps at cr: the inverse of effectiveness().
/// Closed forms for counterflow (counterflow_ntu), C_max mixed NTU = -ln(1 + ln(1 - Cr eps)/Cr)
/// and C_min mixed NTU = -ln(1 + Cr ln(1 - eps))/Cr (Incropera & DeWitt, table 11.4); the
/// unmixed forms by bisection on NTU (epsilon rises monotonically with NTU) to a relative width
/// of 1e-15. Throws std::invalid_argument naming eps unless 0 <= eps < limiting_effectiveness
/// (and below the effectiveness at NTU 700 for the unmixed forms), or cr outside [0, 1].
double effectiveness_ntu(ExchangerArrangement arrangement, double eps, double cr);

}  // namespace kelvin
