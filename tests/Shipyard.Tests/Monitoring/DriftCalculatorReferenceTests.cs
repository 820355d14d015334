using System.Text.Json;
using Shipyard.Monitoring.Drift;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>DriftCalculator against every scipy reference case (DESIGN.md §3 contract).</summary>
public sealed class DriftCalculatorReferenceTests
{
    [Theory]
    [MemberData(nameof(ReferenceCase.Names), MemberType = typeof(ReferenceCase))]
    public void CompareCsv_ReferenceCase_MatchesScipy(string source, string name)
    {
        var @case = ReferenceCase.Find(source, name);

        var comparison = DriftCalculator.CompareCsv(@case.ReferencePath, @case.CurrentPath, @case.Categorical);

        var actual = JsonDocument.Parse(DriftComparisonJson.ToJson(comparison)).RootElement;
        ReferenceCaseAssert.Equivalent(@case.Expected, actual);
    }

    [Fact]
    public void ReferenceCases_CopyMatchesShared_WhenSharedIsPresent()
    {
        var copies = ReferenceCase.All().Where(c => c.Source == "copy").ToArray();
        Assert.True(copies.Length >= 6, "the reference cases must be copied under tests/Shipyard.Tests/Monitoring/ReferenceCases");
        foreach (var shared in ReferenceCase.All().Where(c => c.Source == "shared"))
        {
            var copy = copies.Single(c => c.Name == shared.Name);
            foreach (var file in new[] { "reference.csv", "current.csv", "expected.json" })
            {
                Assert.Equal(File.ReadAllText(Path.Combine(shared.Directory, file)), File.ReadAllText(Path.Combine(copy.Directory, file)));
            }
        }
    }

    [Fact]
    public void CompareCsv_TextColumnNotDeclared_IsTreatedAsCategorical()
    {
        var @case = ReferenceCase.Find("copy", "cat-small");

        var comparison = DriftCalculator.CompareCsv(@case.ReferencePath, @case.CurrentPath);

        var actual = JsonDocument.Parse(DriftComparisonJson.ToJson(comparison)).RootElement;
        ReferenceCaseAssert.Equivalent(@case.Expected, actual);
    }
}
