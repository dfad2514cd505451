namespace Vbc.Data.Synthetic;

/// <summary>
/// Writes a synthetic member-level file: CSV, a header row, one row per member, LF line ends, ASCII.
/// Costs are zero-inflated and right-skewed (a lognormal body, a Poisson number of lognormal admissions, rare
/// transplants), scaled by the member's risk score and by member_months / 12. Carve-out columns (transplant,
/// dialysis, specialty_rx) are parts of their category (inpatient, outpatient, pharmacy) and never exceed it.
/// Quality numerators are 1 only where the denominator is 1. Members with 0 member months have no costs and no
/// quality denominators; hospice members are left out of quality denominators, as HEDIS excludes them.
/// </summary>
public static class MemberDataGenerator
{
    /// <summary>The columns, in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "member_id", "organisation_id", "member_months", "age", "sex", "risk_score", "attributed", "esrd", "hospice",
        "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health", "behavioral",
        "transplant", "dialysis", "specialty_rx",
        "hba1c_num", "hba1c_den", "bcs_num", "bcs_den", "cbp_num", "cbp_den", "fuh_num", "fuh_den",
    ];

    /// <summary>
    /// Rows per chunk; chunk k draws from its own random stream. Part of the output's definition: changing it
    /// changes the bytes for a given seed (the committed seeds/ files would need regenerating).
    /// </summary>
    internal const int ChunkRows = 16_384;

    /// <summary>Writes the header and <see cref="MemberGeneratorOptions.Members"/> rows; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="MemberGeneratorOptions.Validate"/>).</exception>
    public static long Write(Stream output, MemberGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        GeneratorChecks.ThrowIfInvalid(options.Validate(), nameof(options));

        var profile = ProfileParameters.For(options.Profile);
        var organisations = Synthetic.Organisations.Create(options.Seed, options.Organisations);
        return ChunkedCsvWriter.Write(
            output, Columns, options.Members, ChunkRows, options.MaxDegreeOfParallelism, bytesPerRowEstimate: 160,
            (chunk, firstRow, count, buffer) =>
            {
                var random = DeterministicRandom.For(options.Seed, RandomStream.Members, chunk);
                var member = new Member();
                for (int i = 0; i < count; i++)
                {
                    member.Draw(random, profile, organisations, options.CostFactor);
                    member.WriteRow(buffer, firstRow + i + 1, organisations);
                }
            });
    }

    /// <summary>One member's drawn values, reused from row to row.</summary>
    private sealed class Member
    {
        private int _organisation, _months, _age;
        private bool _female, _attributed, _esrd, _hospice;
        private long _riskThousandths;
        private long _inpatient, _outpatient, _professional, _pharmacy, _snf, _homeHealth, _behavioral;
        private long _transplant, _dialysis, _specialtyRx;
        private bool _hba1cNum, _hba1cDen, _bcsNum, _bcsDen, _cbpNum, _cbpDen, _fuhNum, _fuhDen;

        /// <summary>Draws every field. The order of draws is part of the output's definition.</summary>
        public void Draw(DeterministicRandom random, ProfileParameters p, Organisations organisations, double costFactor)
        {
            _organisation = organisations.Pick(random);
            _age = p.SampleAge(random);
            _female = random.Bernoulli(p.FemaleShare);
            _esrd = random.Bernoulli(p.EsrdRate);
            _hospice = random.Bernoulli(p.HospiceRate(_age));
            _attributed = random.Bernoulli(0.97);

            // Member months: mostly a full year; hospice members often die during the year.
            double monthsDraw = random.NextDouble();
            double partialShare = _hospice ? 0.65 : p.PartialYearShare;
            _months = monthsDraw < p.ZeroMonthsShare ? 0
                : monthsDraw < p.ZeroMonthsShare + partialShare ? (int)random.NextInt(1, 11)
                : 12;

            // Risk score: lognormal (mean 1) times an age factor; ESRD and hospice members are much sicker.
            double risk = random.LogNormalWithMean(1.0, p.RiskSigma) * p.AgeRiskFactor(_age) / p.RiskNormaliser;
            if (_esrd)
            {
                risk *= 3.2;
            }
            if (_hospice)
            {
                risk *= 1.8;
            }
            _riskThousandths = Math.Clamp((long)Math.Round(risk * 1000.0, MidpointRounding.AwayFromZero), 50, 30_000);
            risk = _riskThousandths / 1000.0;

            double illness = 0.6 + 0.4 * risk;
            bool diabetic = random.Bernoulli(p.DiabetesPrevalence(_age) * illness);
            bool hypertensive = random.Bernoulli(p.HypertensionPrevalence(_age) * illness);

            // A member-level utilisation intensity shared by all categories (mean 1) correlates them.
            double intensity = random.LogNormalWithMean(1.0, 0.55);
            bool anyClaims = _esrd || !random.Bernoulli(Math.Min(0.9, p.NoClaimsBase / risk));

            // Annual amounts for a full year; every one is then scaled by months / 12, the organisation and the factor.
            double inpatient = 0, transplant = 0, outpatient = 0, dialysis = 0, professional = 0, pharmacy = 0;
            double specialtyRx = 0, snf = 0, homeHealth = 0, behavioral = 0;
            int admissions = 0;
            if (anyClaims)
            {
                double use = Math.Sqrt(risk);
                double amount = use * intensity;
                admissions = random.Poisson(p.AdmissionRate * risk * intensity);
                for (int a = 0; a < admissions; a++)
                {
                    inpatient += random.LogNormalWithMean(p.AdmissionCost, 1.0);
                }
                if (random.Bernoulli(_esrd ? 0.02 : p.TransplantRate))
                {
                    transplant = random.LogNormalWithMean(420_000, 0.45);
                }
                outpatient = Category(random, p.Outpatient, use, amount);
                dialysis = _esrd
                    ? (random.Bernoulli(0.9) ? random.LogNormalWithMean(88_000, 0.25) : 0)
                    : (random.Bernoulli(0.0008) ? random.LogNormalWithMean(4_000, 0.6) : 0);
                professional = Category(random, p.Professional, use, amount);
                pharmacy = Category(random, p.Pharmacy, use, amount);
                if (random.Bernoulli(p.SpecialtyRx.UseRate * use))
                {
                    specialtyRx = random.LogNormalWithMean(p.SpecialtyRx.MeanIfUsed, p.SpecialtyRx.Sigma);
                }
                snf = Category(random, p.Snf, use, amount);
                homeHealth = Category(random, p.HomeHealth, use, amount);
                double behavioralUse = p.Kind == PopulationProfile.Medicare && _age < 65 ? 3.0 * use : use;
                behavioral = Category(random, p.Behavioral, behavioralUse, amount);
            }

            double scale = _months / 12.0 * organisations.CostEfficiency[_organisation] * costFactor;
            _transplant = CsvBuffer.Cents(transplant * scale);
            _inpatient = CsvBuffer.Cents(inpatient * scale) + _transplant;
            _dialysis = CsvBuffer.Cents(dialysis * scale);
            _outpatient = CsvBuffer.Cents(outpatient * scale) + _dialysis;
            _specialtyRx = CsvBuffer.Cents(specialtyRx * scale);
            _pharmacy = CsvBuffer.Cents(pharmacy * scale) + _specialtyRx;
            _professional = CsvBuffer.Cents(professional * scale);
            _snf = CsvBuffer.Cents(snf * scale);
            _homeHealth = CsvBuffer.Cents(homeHealth * scale);
            _behavioral = CsvBuffer.Cents(behavioral * scale);

            // Quality: enrolled members only, hospice excluded; sicker members meet measures a little less often.
            // The numerators use & (not &&) so their draw is made whatever the denominator: changing that changes the bytes.
            bool eligible = _months > 0 && !_hospice;
            double shift = organisations.QualityShift[_organisation] - 0.04 * (risk - 1.0);
            _hba1cDen = eligible && diabetic && _age >= 18 && _age <= 75;
            _hba1cNum = _hba1cDen & random.Bernoulli(p.Hba1cControlled + shift);
            _bcsDen = eligible && _female && _age >= 50 && _age <= 74;
            _bcsNum = _bcsDen & random.Bernoulli(p.BreastScreened + shift);
            _cbpDen = eligible && hypertensive && _age >= 18 && _age <= 85;
            _cbpNum = _cbpDen & random.Bernoulli(p.BloodPressureControlled + shift);
            _fuhDen = eligible && _age >= 6 && behavioral > 0 && admissions > 0 && random.Bernoulli(0.35);
            _fuhNum = _fuhDen & random.Bernoulli(p.FollowUpAfterHospitalisation + shift);
        }

        /// <summary>Zero, or (with the category's use rate x <paramref name="use"/>) a lognormal amount x <paramref name="amount"/>.</summary>
        private static double Category(DeterministicRandom random, ProfileParameters.Category c, double use, double amount) =>
            random.Bernoulli(c.UseRate * use) ? random.LogNormalWithMean(c.MeanIfUsed, c.Sigma) * amount : 0.0;

        public void WriteRow(CsvBuffer b, long memberNumber, Organisations organisations)
        {
            b.Reserve(512);
            b.Char('M');
            b.Padded(memberNumber, 8);
            b.Comma();
            b.Text(organisations.Ids[_organisation]);
            b.Comma();
            b.Integer(_months);
            b.Comma();
            b.Integer(_age);
            b.Comma();
            b.Char(_female ? 'F' : 'M');
            b.Comma();
            b.Fixed(_riskThousandths, 3);
            b.Comma();
            b.Flag(_attributed);
            b.Comma();
            b.Flag(_esrd);
            b.Comma();
            b.Flag(_hospice);
            foreach (long cents in (ReadOnlySpan<long>)[_inpatient, _outpatient, _professional, _pharmacy, _snf, _homeHealth,
                         _behavioral, _transplant, _dialysis, _specialtyRx])
            {
                b.Comma();
                b.Fixed(cents, 2);
            }
            foreach (bool flag in (ReadOnlySpan<bool>)[_hba1cNum, _hba1cDen, _bcsNum, _bcsDen, _cbpNum, _cbpDen, _fuhNum, _fuhDen])
            {
                b.Comma();
                b.Flag(flag);
            }
            b.NewLine();
        }
    }
}
