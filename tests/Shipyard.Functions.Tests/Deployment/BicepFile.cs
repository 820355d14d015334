using System.Text.RegularExpressions;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>
/// A Bicep file read as text (no Bicep compiler exists here): a mask of the same length blanks comments (spaces) and
/// the literal text of strings ('"'), keeping string interpolation code, so brackets and keys can be found structurally.
/// Catches what a reader would: unbalanced brackets, unterminated strings, and it lets the checks read settings,
/// parameters and arrays without being fooled by comments or string contents.
/// </summary>
internal sealed partial class BicepFile
{
    private const char StringMask = '"';

    private BicepFile(string name, string text, string mask, IReadOnlyList<string> problems)
    {
        Name = name;
        Text = text;
        Mask = mask;
        Problems = problems;
    }

    public string Name { get; }

    public string Text { get; }

    /// <summary><see cref="Text"/> with comments replaced by spaces and literal string characters by '"'.</summary>
    public string Mask { get; }

    /// <summary>Lexical problems (unbalanced brackets, unterminated strings or comments), with line numbers.</summary>
    public IReadOnlyList<string> Problems { get; }

    public static BicepFile Load(string path) => Parse(Path.GetFileName(path), DeploymentFiles.Read(path));

    public static BicepFile Parse(string name, string text)
    {
        var mask = text.ToCharArray();
        var problems = new List<string>();
        var stack = new Stack<(char Open, int Line)>();
        var inString = false;
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (inString)
                {
                    problems.Add($"{name}:{line}: string not terminated before the end of the line");
                    inString = false;
                }

                line++;
                continue;
            }

            if (inString)
            {
                if (c == '\\' && i + 1 < text.Length)
                {
                    mask[i] = StringMask;
                    mask[++i] = StringMask;
                }
                else if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    mask[i] = StringMask;
                    mask[++i] = StringMask;
                    stack.Push(('$', line));
                    inString = false;
                }
                else
                {
                    mask[i] = StringMask;
                    inString = c != '\'';
                }

                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                for (; i < text.Length && text[i] != '\n'; i++)
                {
                    mask[i] = ' ';
                }

                i--;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    problems.Add($"{name}:{line}: comment not closed");
                    end = text.Length - 2;
                }

                for (; i < end + 2; i++)
                {
                    line += text[i] == '\n' ? 1 : 0;
                    mask[i] = text[i] == '\n' ? '\n' : ' ';
                }

                i--;
            }
            else if (c == '\'' && string.CompareOrdinal(text, i, "'''", 0, 3) == 0)
            {
                var end = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                if (end < 0)
                {
                    problems.Add($"{name}:{line}: multi-line string not closed");
                    end = text.Length - 3;
                }

                for (; i < end + 3; i++)
                {
                    line += text[i] == '\n' ? 1 : 0;
                    mask[i] = text[i] == '\n' ? '\n' : StringMask;
                }

                i--;
            }
            else if (c == '\'')
            {
                mask[i] = StringMask;
                inString = true;
            }
            else if (c is '{' or '[' or '(')
            {
                stack.Push((c, line));
            }
            else if (c is '}' or ']' or ')')
            {
                var expected = c switch { '}' => '{', ']' => '[', _ => '(' };
                if (stack.Count == 0)
                {
                    problems.Add($"{name}:{line}: '{c}' closes nothing");
                }
                else if (c == '}' && stack.Peek().Open == '$')
                {
                    stack.Pop();
                    mask[i] = StringMask;
                    inString = true;
                }
                else if (stack.Peek().Open != expected)
                {
                    var (open, openLine) = stack.Pop();
                    problems.Add($"{name}:{line}: '{c}' closes '{open}' opened on line {openLine}");
                }
                else
                {
                    stack.Pop();
                }
            }
        }

        if (inString)
        {
            problems.Add($"{name}:{line}: string not terminated at the end of the file");
        }

        foreach (var (open, openLine) in stack)
        {
            problems.Add($"{name}:{openLine}: '{(open == '$' ? "${" : open.ToString())}' is never closed");
        }

        return new BicepFile(name, text, new string(mask), problems);
    }

    /// <summary>The contents between the bracket that ends <paramref name="opener"/> (e.g. <c>var appSettings = {</c>) and its match.</summary>
    public BicepFile Block(string opener)
    {
        var start = Mask.IndexOf(opener, StringComparison.Ordinal);
        if (start < 0)
        {
            start = Text.IndexOf(opener, StringComparison.Ordinal);
        }

        if (start < 0)
        {
            throw new InvalidOperationException($"{Name}: '{opener}' not found.");
        }

        var open = start + opener.Length - 1;
        var depth = 0;
        for (var i = open; i < Mask.Length; i++)
        {
            depth += Mask[i] is '{' or '[' or '(' ? 1 : Mask[i] is '}' or ']' or ')' ? -1 : 0;
            if (depth == 0)
            {
                return new BicepFile($"{Name} ({opener})", Text[(open + 1)..i], Mask[(open + 1)..i], []);
            }
        }

        throw new InvalidOperationException($"{Name}: '{opener}' is never closed.");
    }

    /// <summary>Keys of the object whose body this is (its top level only).</summary>
    public IReadOnlyList<string> TopLevelKeys() =>
        TopLevelLines().Select(l => KeyPattern().Match(l)).Where(m => m.Success)
            .Select(m => m.Groups["q"].Success ? m.Groups["q"].Value : m.Groups["id"].Value).ToList();

    /// <summary>Items of the array whose body this is (its top level only): string literals unquoted, other expressions as written.</summary>
    public IReadOnlyList<string> TopLevelItems() =>
        TopLevelLines().Select(l => l.Trim()).Where(l => l.Length > 0)
            .Select(l => l.Length > 1 && l[0] == '\'' && l[^1] == '\'' ? l[1..^1] : l).ToList();

    /// <summary>Parameters declared in the file: name and whether it has a default value.</summary>
    public IReadOnlyDictionary<string, bool> Parameters() =>
        ParamPattern().Matches(Mask).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success, StringComparer.Ordinal);

    /// <summary>Every <c>module x '&lt;path&gt;'</c> reference.</summary>
    public IReadOnlyList<string> ModulePaths() =>
        ModulePattern().Matches(Text).Where(m => Mask[m.Index] == 'm').Select(m => m.Groups["path"].Value).ToList();

    public bool Contains(string text) => Text.Contains(text, StringComparison.Ordinal);

    // Lines of this block that start at nesting depth 0 (comments blanked, so a commented-out key does not count).
    private IEnumerable<string> TopLevelLines()
    {
        var depth = 0;
        var lineStart = 0;
        for (var i = 0; i <= Mask.Length; i++)
        {
            if (i == Mask.Length || Mask[i] == '\n')
            {
                var lineDepthAtStart = depth;
                for (var j = lineStart; j < i; j++)
                {
                    depth += Mask[j] is '{' or '[' or '(' ? 1 : Mask[j] is '}' or ']' or ')' ? -1 : 0;
                }

                if (lineDepthAtStart == 0)
                {
                    var maskLine = Mask[lineStart..i];
                    if (maskLine.Trim().Length > 0)
                    {
                        yield return StripComment(Text[lineStart..i], maskLine);
                    }
                }

                lineStart = i + 1;
            }
        }
    }

    // The text of a line up to where its mask shows a blanked // comment, so trailing comments do not leak in.
    private static string StripComment(string text, string mask)
    {
        var comment = text.IndexOf("//", StringComparison.Ordinal);
        while (comment >= 0 && mask[comment] != ' ')
        {
            comment = text.IndexOf("//", comment + 2, StringComparison.Ordinal);
        }

        return comment >= 0 && mask[comment..].Trim().Length == 0 ? text[..comment] : text;
    }

    [GeneratedRegex(@"^\s*(?:'(?<q>[^']+)'|(?<id>[A-Za-z_][A-Za-z0-9_]*))\s*:")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^param\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s+[A-Za-z_][A-Za-z0-9_]*(?<default>\s*=)?", RegexOptions.Multiline)]
    private static partial Regex ParamPattern();

    [GeneratedRegex(@"^module\s+[A-Za-z_][A-Za-z0-9_]*\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModulePattern();
}
