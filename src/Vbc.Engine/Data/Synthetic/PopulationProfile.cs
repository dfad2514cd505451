namespace Vbc.Data.Synthetic;

/// <summary>Which kind of population the member file imitates.</summary>
public enum PopulationProfile
{
    /// <summary>
    /// Medicare fee-for-service-like: about 89% aged 65 and over (the rest disabled adults 21-64), 55% women,
    /// about 1% ESRD and 1.5% hospice, annual spend per full-year member around $12,000 (PMPM around $1,000).
    /// </summary>
    Medicare,

    /// <summary>
    /// Commercial or Medicaid-like: ages 0-64 (about 22% children), younger and cheaper (PMPM around $450-500),
    /// fewer chronic conditions, more enrolment churn (more partial-year members).
    /// </summary>
    Commercial,
}

/// <summary>
/// The numbers behind a <see cref="PopulationProfile"/>. Rates are per member per year at risk score 1.0; amounts are
/// annual dollars for a full-year member before <see cref="MemberGeneratorOptions.CostFactor"/>. They are plausible
/// orders of magnitude for synthetic test data, not estimates of any real population.
/// </summary>
internal sealed class ProfileParameters
{
    public required PopulationProfile Kind { get; init; }

    // Demographics.
    public required double FemaleShare { get; init; }
    /// <summary>Medicare: share of disabled members under 65. Commercial: share of children under 18.</summary>
    public required double YoungShare { get; init; }
    public required double ZeroMonthsShare { get; init; }
    public required double PartialYearShare { get; init; }
    public required double EsrdRate { get; init; }

    // Risk score: lognormal with this sd of its log, times an age factor, divided by a normaliser so the mean is ~1.
    public required double RiskSigma { get; init; }
    public required double RiskNormaliser { get; init; }

    /// <summary>Chance of no claims at all in the year, divided by the member's risk score (ESRD members always have claims).</summary>
    public required double NoClaimsBase { get; init; }

    // Inpatient: admissions ~ Poisson(rate x risk x intensity), each a lognormal cost.
    public required double AdmissionRate { get; init; }
    public required double AdmissionCost { get; init; }
    public required Category Outpatient { get; init; }
    public required Category Professional { get; init; }
    public required Category Pharmacy { get; init; }
    public required Category Snf { get; init; }
    public required Category HomeHealth { get; init; }
    public required Category Behavioral { get; init; }
    public required Category SpecialtyRx { get; init; }
    public required double TransplantRate { get; init; }

    // Quality: the chance that a member in the denominator meets the measure, at risk 1.0.
    public required double Hba1cControlled { get; init; }
    public required double BreastScreened { get; init; }
    public required double BloodPressureControlled { get; init; }
    public required double FollowUpAfterHospitalisation { get; init; }

    /// <summary>A category of service: the chance of any use in a year and the mean annual amount of a user, at risk 1.0.</summary>
    public readonly record struct Category(double UseRate, double MeanIfUsed, double Sigma);

    public static ProfileParameters For(PopulationProfile profile) => profile switch
    {
        PopulationProfile.Medicare => Medicare,
        PopulationProfile.Commercial => Commercial,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown population profile."),
    };

    public static readonly ProfileParameters Medicare = new()
    {
        Kind = PopulationProfile.Medicare,
        FemaleShare = 0.55,
        YoungShare = 0.11,
        ZeroMonthsShare = 0.02,
        PartialYearShare = 0.09,
        EsrdRate = 0.01,
        RiskSigma = 0.55,
        RiskNormaliser = 1.018,
        NoClaimsBase = 0.045,
        AdmissionRate = 0.21,
        AdmissionCost = 15_000,
        Outpatient = new(0.78, 2_500, 1.0),
        Professional = new(0.93, 2_700, 0.9),
        Pharmacy = new(0.88, 1_900, 1.0),
        Snf = new(0.05, 12_500, 0.8),
        HomeHealth = new(0.09, 5_200, 0.8),
        Behavioral = new(0.09, 2_000, 1.1),
        SpecialtyRx = new(0.025, 38_000, 0.7),
        TransplantRate = 0.0003,
        Hba1cControlled = 0.76,
        BreastScreened = 0.73,
        BloodPressureControlled = 0.70,
        FollowUpAfterHospitalisation = 0.52,
    };

    public static readonly ProfileParameters Commercial = new()
    {
        Kind = PopulationProfile.Commercial,
        FemaleShare = 0.51,
        YoungShare = 0.22,
        ZeroMonthsShare = 0.03,
        PartialYearShare = 0.17,
        EsrdRate = 0.001,
        RiskSigma = 0.75,
        RiskNormaliser = 0.96,
        NoClaimsBase = 0.07,
        AdmissionRate = 0.065,
        AdmissionCost = 21_000,
        Outpatient = new(0.65, 2_300, 1.1),
        Professional = new(0.85, 1_650, 1.0),
        Pharmacy = new(0.75, 1_100, 1.1),
        Snf = new(0.003, 9_000, 0.8),
        HomeHealth = new(0.01, 3_000, 0.8),
        Behavioral = new(0.13, 1_900, 1.1),
        SpecialtyRx = new(0.012, 42_000, 0.7),
        TransplantRate = 0.0002,
        Hba1cControlled = 0.62,
        BreastScreened = 0.72,
        BloodPressureControlled = 0.60,
        FollowUpAfterHospitalisation = 0.55,
    };

    /// <summary>
    /// Medicare: 65 plus an exponential with mean 10.5 years (capped at 105), or a disabled adult 21-64.
    /// Commercial: a child 0-17 or an adult 18-64, uniform within each group.
    /// </summary>
    public int SampleAge(DeterministicRandom random)
    {
        bool young = random.Bernoulli(YoungShare);
        if (Kind == PopulationProfile.Medicare)
        {
            return young
                ? (int)random.NextInt(21, 64)
                : 65 + (int)Math.Min(40.0, Math.Floor(-10.5 * DeterministicMath.Log(random.NextDoubleNonZero())));
        }
        return young ? (int)random.NextInt(0, 17) : (int)random.NextInt(18, 64);
    }

    /// <summary>How the expected risk score grows with age (before normalising).</summary>
    public double AgeRiskFactor(int age) => Kind == PopulationProfile.Medicare
        ? (age < 65 ? 1.05 : 0.80 + 0.018 * (age - 65))
        : (age < 18 ? 0.55 : 0.50 + 0.025 * (age - 18));

    /// <summary>Chance of a hospice election in the year: Medicare about 1.5% on average, rising with age.</summary>
    public double HospiceRate(int age) => Kind == PopulationProfile.Medicare
        ? (age < 65 ? 0.003 : 0.005 + 0.0011 * (age - 65))
        : 0.0005;

    /// <summary>Diabetes prevalence by age: Medicare about 26%, commercial about 8% (adults only, rising with age).</summary>
    public double DiabetesPrevalence(int age) => Kind == PopulationProfile.Medicare
        ? 0.26
        : (age < 18 ? 0.003 : 0.02 + 0.0033 * (age - 18));

    /// <summary>Hypertension prevalence by age: Medicare about 47%, commercial about 17%.</summary>
    public double HypertensionPrevalence(int age) => Kind == PopulationProfile.Medicare
        ? 0.47
        : (age < 18 ? 0.005 : 0.03 + 0.008 * (age - 18));
}
