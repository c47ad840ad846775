using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using CodeSigning.Tests.Shared;
using OpenQA.Selenium.Support.UI;

namespace CodeSigning.WebConsole.Tests;

/// <summary>
/// Debian's headless Chromium driven through its chromedriver (./build.sh installs both). The
/// server's self-signed certificate is accepted by this browser only; the HTTP clients of the tests
/// pin it.
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly Uri _server;

    public Browser(Uri server)
    {
        _server = server;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium", AcceptInsecureCertificates = true };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1400");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().ImplicitWait = TimeSpan.FromSeconds(3);
    }

    public ChromeDriver Driver { get; }

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(_server, path));

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyList<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    /// <summary>Whether an element is on the page now (no implicit wait: for asserting absence).</summary>
    public bool Has(string css)
    {
        Driver.Manage().Timeouts().ImplicitWait = TimeSpan.Zero;
        try
        {
            return Driver.FindElements(By.CssSelector(css)).Count > 0;
        }
        finally
        {
            Driver.Manage().Timeouts().ImplicitWait = TimeSpan.FromSeconds(3);
        }
    }

    public void Type(string css, string text)
    {
        var field = Find(css);
        field.Clear();
        field.SendKeys(text);
    }

    public void Select(string css, string value) => Find(css).FindElement(By.CssSelector($"option[value='{value}']")).Click();

    /// <summary>Clicks something that loads a new page, and waits until the old one is gone.</summary>
    /// <summary>Clicks and waits for the next page, which must not show a refusal.</summary>
    public void ClickAndLoad(string css)
    {
        ClickAndLoad(Find(css));
        Assert.False(Has("#failure"), Has("#failure") ? "the console refused: " + Find("#failure").Text : "");
    }

    public void ClickAndLoad(IWebElement element)
    {
        var page = Driver.FindElement(By.TagName("html"));
        element.Click();
        Until(() =>
        {
            try
            {
                _ = page.Enabled;
                return false;
            }
            catch (StaleElementReferenceException)
            {
                return true;
            }
        });
    }

    /// <summary>Waits for a condition; an element replaced while it is read (an htmx swap) just means "not yet".</summary>
    public void Until(Func<bool> condition)
    {
        var wait = new WebDriverWait(Driver, Wait);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(UnknownErrorException), typeof(NoSuchElementException));
        wait.Until(_ => condition());
    }

    public void SignIn(string apiKey)
    {
        Driver.Manage().Cookies.DeleteAllCookies();
        Open("/console/sign-in");
        Type("#api-key", apiKey);
        ClickAndLoad("#sign-in");
    }

    /// <summary>The page as a PNG under docs/console/, shown by docs/console.md.</summary>
    public void Screenshot(string name)
    {
        var directory = Path.Combine(ServerProcess.RepositoryRoot(), "docs", "console");
        Directory.CreateDirectory(directory);
        Driver.GetScreenshot().SaveAsFile(Path.Combine(directory, name + ".png"));
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
